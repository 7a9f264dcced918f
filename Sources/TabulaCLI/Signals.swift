import Dispatch
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C, `kill` and a closed terminal stop tabula without leaving partial output: each of
/// SIGINT, SIGTERM and SIGHUP is taken by a Dispatch source (a normal thread, so the lock of
/// the unfinished outputs may be taken), their temporary files are removed, and the signal is
/// raised again with its default action, so the exit status says which signal stopped it.
///
/// - Returns: the sources, to keep for as long as the command runs.
func removeUnfinishedOutputsOnSignals() -> [DispatchSourceSignal] {
    let queue = DispatchQueue(label: "tabula.signals")
    return [SIGINT, SIGTERM, SIGHUP].compactMap { number in
        // Dispatch sees the signal only when its default action is off. A signal ignored from
        // the start (SIGHUP under nohup) stays ignored.
        guard signal(number, SIG_IGN).map({ unsafeBitCast($0, to: Int.self) }) != 1 else { return nil }
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler {
            AtomicFileSink.removeUnfinishedFiles()
            // Raised on this thread with the signal unblocked here, the default action ends the
            // process before `raise` returns; should it return, the shell's convention instead.
            signal(number, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, number)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(number)
            _exit(128 + number)
        }
        source.resume()
        return source
    }
}
