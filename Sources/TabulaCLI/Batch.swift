import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// Flags for verbs that can process many files, each to its own output.
struct BatchOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write one output per input into this directory (created if missing), named after the input "
                + "(with the --to format's extension). Inputs may then be several files or quoted patterns.",
            valueName: "dir"))
    var outDir: String?

    @Option(help: ArgumentHelp("Files processed at once with --out-dir (default: one per processor).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
        if jobs != nil && outDir == nil { throw ValidationError("--jobs applies to --out-dir runs only") }
    }
}

/// Whether `path` contains glob characters.
func isGlobPattern(_ path: String) -> Bool { path.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

/// The files the arguments name: a pattern (`logs/*.csv.gz`) is expanded, in sorted order,
/// unless a file has that very name; a pattern that matches nothing is an error.
func expandInputs(_ arguments: [String]) throws -> [String] {
    var files: [String] = []
    for argument in arguments {
        guard isGlobPattern(argument), access(argument, F_OK) != 0 else {
            files.append(argument)
            continue
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        let status = glob(argument, 0, nil, &matches)
        guard status == 0 else {
            throw CommandFailure(
                status == GLOB_NOMATCH ? "no file matches '\(argument)'" : "cannot expand '\(argument)' (glob error)")
        }
        for i in 0..<Int(matches.gl_pathc) {
            if let p = matches.gl_pathv[i] { files.append(String(cString: p)) }
        }
    }
    return files
}

/// The name an input's output gets in --out-dir: the input's file name, with its format
/// extension replaced when `format` (from --to) is given: `jan.csv.gz` → `jan.jsonl`.
func outputName(for input: String, format: FileFormat?) -> String {
    let name = input.split(separator: "/").last.map(String.init) ?? input
    guard let format else { return name }
    var stem = name
    if stem.lowercased().hasSuffix(".gz") { stem.removeLast(3) }
    if let dot = stem.lastIndex(of: "."), FileFormat(path: String(stem[dot...])) != nil {
        stem = String(stem[..<dot])
    }
    return stem + "." + format.description
}

/// Runs `pipeline` over every input, each to its own file in --out-dir, several at a time.
/// A failing input is reported on its own line and leaves no output; the others go on. Ends
/// with a summary line; throws ``AlreadyReported`` when any input failed.
func runBatch(
    _ pipeline: Pipeline, patterns: [String], inputOptions: InputOptions, outputOptions: OutputOptions,
    batch: BatchOptions, common: CommonOptions
) throws {
    guard let outDir = batch.outDir else { return }
    if outputOptions.output != nil { throw CommandFailure(usage: "give either -o FILE or --out-dir DIR, not both") }
    if patterns.contains("-") { throw CommandFailure(usage: "standard input (-) cannot be used with --out-dir") }
    let inputs = try expandInputs(patterns)
    let format: FileFormat? = try outputOptions.to == nil ? nil : outputOptions.format()
    var jobs: [Pipeline.FileJob] = []
    var claimed: [String: String] = [:]
    for input in inputs {
        let output = (outDir.hasSuffix("/") ? outDir : outDir + "/") + outputName(for: input, format: format)
        if let other = claimed[output] {
            throw CommandFailure("'\(other)' and '\(input)' would both be written to \(output)")
        }
        claimed[output] = input
        jobs.append(Pipeline.FileJob(input: input, output: output))
    }
    try makeDirectory(outDir)

    let totalBytes = inputs.reduce(0) { sum, path in
        var st = stat()
        return sum + (stat(path, &st) == 0 ? Int(st.st_size) : 0)
    }
    let bar = ProgressBar(total: totalBytes, quiet: common.quiet)
    let start = ProgressBar.now()
    let outcomes = pipeline.run(
        files: jobs, concurrency: batch.jobs,
        openReader: { job in
            if sameFile(job.input, job.output) {
                throw CommandFailure("\(job.input): the output would overwrite it; choose another --out-dir")
            }
            // Each output's own format: CSV outputs need only the columns the steps read typed.
            let needed = pipeline.columnsNeedingTypes(output: format ?? FileFormat(path: job.output))
            return try inputOptions.openReader(job.input, inferring: needed)
        },
        openWriter: { job in
            try outputOptions.openWriter(
                path: job.output, noHeader: inputOptions.noHeader, stringsOnly: inputOptions.noInfer)
        },
        progress: { bar.update($0) },
        completion: { outcome in
            if case .failure(let error) = outcome.result {
                bar.clear()
                var message = errorMessage(error)
                if !message.contains(outcome.job.input) { message = "\(outcome.job.input): \(message)" }
                writeStandardError("tabula: error: \(message)\n")
            }
        })
    bar.finish()

    let failed = outcomes.filter { if case .failure = $0.result { true } else { false } }.count
    let rows = outcomes.reduce(0) { $0 + ((try? $1.result.get())?.rowsWritten ?? 0) }
    let seconds = ProgressBar.now() - start
    var line = "\(jobs.count) file\(jobs.count == 1 ? "" : "s"): \(jobs.count - failed) written to \(outDir)"
    if failed > 0 { line += ", \(failed) failed" }
    line += "; \(formatCount(rows)) rows, \(ProgressBar.bytes(totalBytes)) read in "
    line += String(Int(seconds * 100) / 100) + "." + String(format2(Int(seconds * 100) % 100)) + " s"
    writeStandardError(line + "\n")
    if failed > 0 { throw AlreadyReported() }
}

/// `n` with thousands separators: 1,234,567.
func formatCount(_ n: Int) -> String {
    var digits = Array(String(n))
    var out: [Character] = []
    while digits.count > 3 {
        out = [","] + digits.suffix(3) + out
        digits.removeLast(3)
    }
    return String(digits + out)
}

private func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// Creates `path` (and its parents) unless it is already a directory.
func makeDirectory(_ path: String) throws {
    var st = stat()
    if stat(path, &st) == 0 {
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw CommandFailure("--out-dir \(path) is not a directory") }
        return
    }
    let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    if !parent.isEmpty && parent != path { try makeDirectory(parent) }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw CommandFailure("cannot create --out-dir \(path): \(String(cString: strerror(errno)))")
    }
}

/// Whether two paths name the same existing file.
func sameFile(_ a: String, _ b: String) -> Bool {
    var x = stat()
    var y = stat()
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
}
