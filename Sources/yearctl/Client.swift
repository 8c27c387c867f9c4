import ArgumentParser
import Foundation
import YearCore
import YearProtocol

/// The exit codes yearctl documents in its help.
enum ExitStatus: Int32 {
    case refused = 1
    case usage = 2
    case permissionDenied = 3
    /// Cannot connect to the daemon, or the connection failed before a reply could be read.
    case cannotConnect = 4
}

/// Calls the daemon and turns every failure into one sentence on stderr (or JSON on stdout) and an exit code.
struct Client {
    let options: GlobalOptions

    /// Calls `method` and returns its reply; on failure prints the reason and exits with the documented code.
    func call<P, R>(_ method: Method<P, R>, _ parameters: P) async throws -> R {
        try await withSession { session in try await session.call(method, parameters) }
    }

    /// Runs several calls on one connection; failures are reported as by `call`.
    func withSession<T>(_ body: (VarlinkSession) async throws -> T) async throws -> T {
        do {
            return try await VarlinkSession.withConnection(path: options.socketPath, body)
        } catch let error as VarlinkError {
            if options.json {
                printJSON(ErrorOutput(error: error.name, parameters: error.parameters))
            } else {
                // The daemon's error, rendered in the caller's language from its typed parameters; an error yeard
                // does not define keeps the daemon's own sentence.
                printError("yearctl: " + (YearError(error)?.message(options.l) ?? error.message))
                // An import's refusal lists every problem it found, one per line, FILE:LINE:COLUMN first, each said
                // in the caller's language when it came with its parameters.
                if case .importRefused(let file, let problems, _)? = YearError(error) {
                    for problem in problems { printError("\(file):\(problem.description(options.l))") }
                } else if case .array(let problems)? = error.parameters["problems"],
                    case .string(let file)? = error.parameters["file"]
                {
                    // A refusal this client cannot read whole: its problems as the daemon wrote them.
                    for problem in problems {
                        let line = problem["line"].map(\.canonicalText) ?? "?"
                        let column = problem["column"].map(\.canonicalText) ?? "?"
                        var field = ""
                        if case .string(let name)? = problem["field"] { field = " (\(name))" }
                        var message = ""
                        if case .string(let text)? = problem["message"] { message = text }
                        printError("\(file):\(line):\(column)\(field): \(message)")
                    }
                }
            }
            throw ExitCode(Self.exitStatus(for: error).rawValue)
        } catch let error as VarlinkClientError {
            printError("yearctl: " + error.message(options.l))
            throw ExitCode(ExitStatus.cannotConnect.rawValue)
        } catch let error as ExitCode {
            throw error
        } catch let error as UsageError {
            // A file of the caller's that cannot be read halfway through: the caller's problem, not the connection's.
            throw error
        } catch {
            printError(
                "yearctl: "
                    + options.l.tr(
                        "the connection to yeard failed: {reason}; see the daemon's log", ["reason": "\(error)"]))
            throw ExitCode(ExitStatus.cannotConnect.rawValue)
        }
    }

    /// Prints `value` as JSON when `--json` is given, else runs `human`.
    func output<R: Encodable>(_ value: R, human: (R) throws -> Void) rethrows {
        if options.json { printJSON(value) } else { try human(value) }
    }

    static func exitStatus(for error: VarlinkError) -> ExitStatus {
        switch error.name {
        case "io.yeard.Year.PermissionDenied", "org.varlink.service.PermissionDenied": .permissionDenied
        case "org.varlink.service.InvalidParameter": .usage
        default: .refused
        }
    }

    private struct ErrorOutput<P: Encodable>: Encodable {
        var error: String
        var parameters: P
    }
}

/// Prints a value as pretty JSON with sorted keys.
func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) { printJSONText(text) }
}

/// Prints rows as an aligned table under a header.
func printTable(_ header: [String], _ rows: [[String]], empty: String) {
    print(TextTable.render(header, rows, empty: empty))
}
