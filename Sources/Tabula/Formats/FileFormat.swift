/// A table file format, with or without gzip compression.
public struct FileFormat: Sendable, Hashable, CustomStringConvertible {
    /// The table encoding.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case csv, tsv
        /// One JSON object per line (`.jsonl`, `.ndjson`).
        case jsonLines = "jsonl"
        /// One JSON array of objects (`.json`).
        case json
    }

    public var kind: Kind
    public var isCompressed: Bool

    public init(_ kind: Kind, compressed: Bool = false) {
        self.kind = kind
        isCompressed = compressed
    }

    public var description: String { kind.rawValue + (isCompressed ? ".gz" : "") }

    /// The format a file name implies: `.csv`, `.tsv`, `.tab`, `.jsonl`, `.ndjson`, `.json`,
    /// each optionally followed by `.gz`; `nil` when the name says nothing.
    public init?(path: String) {
        var name = path.lowercased()
        var compressed = false
        if name.hasSuffix(".gz") {
            compressed = true
            name.removeLast(3)
        }
        guard let dot = name.lastIndex(of: "."),
            let kind = Self.kind(extension: String(name[name.index(after: dot)...]))
        else { return nil }
        self.init(kind, compressed: compressed)
    }

    /// Parses a format name as users write it after `--from` / `--to`: `csv`, `tsv`, `jsonl`,
    /// `ndjson`, `json`, optionally with `.gz` (`csv.gz`).
    public init?(name: String) {
        var n = name.lowercased()
        var compressed = false
        if n.hasSuffix(".gz") {
            compressed = true
            n.removeLast(3)
        } else if n == "gz" || n == "gzip" {
            return nil
        }
        guard let kind = Self.kind(extension: n) else { return nil }
        self.init(kind, compressed: compressed)
    }

    static func kind(extension ext: String) -> Kind? {
        switch ext {
        case "csv", "txt": return .csv
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson": return .jsonLines
        case "json": return .json
        default: return nil
        }
    }

    /// The CSV dialect of a delimited format (`nil` for JSON).
    public var dialect: CSVDialect? {
        switch kind {
        case .csv: return .csv
        case .tsv: return .tsv
        case .jsonLines, .json: return nil
        }
    }
}
