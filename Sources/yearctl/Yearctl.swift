import ArgumentParser
import Foundation
import YearCore

/// `yearctl`: the command-line client of yeard.
@main
struct Yearctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yearctl",
        abstract: "Control yeard: academic years, two-person approvals and the audit log.",
        discussion: """
            yearctl talks to yeard over its control socket (--socket, else $YEARD_SOCKET, else
            /run/yeard/control.sock). yeard knows who you are from the kernel; what you may do comes from the
            roles yeard.toml grants you.

            Exit codes:
              0  done
              1  refused by the daemon (the message says why and what to do)
              2  usage error: a wrong option or argument, or a parameter the daemon found invalid
              3  permission denied (you lack the role the command needs)
              4  cannot connect to the daemon, or the connection failed before its reply
            """,
        version: Release.version,
        subcommands: [
            StatusCommand.self, SchoolCommand.self, YearCommand.self, RequestCommand.self, AuditCommand.self,
            ImportCommand.self, ExportCommand.self, MovementCommand.self, OrderCommand.self, RecordCommand.self,
            ContactCommand.self, ChecksCommand.self, ReportCommand.self, RolloverCommand.self, BackupCommand.self,
        ])

    /// Runs yearctl with the documented exit codes: argument errors exit 2 (not ArgumentParser's 64), and the
    /// global options are accepted before the subcommand too (`yearctl --socket S status`).
    static func main() async {
        // A closed pipe is an error to handle where output is written, not a signal that kills the client.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as UsageError {
            printError("yearctl: \(error.message)")
            Foundation.exit(ExitStatus.usage.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }

    /// Moves `--socket`, `--school`, `--lang` and `--json` given before the first subcommand to the end, where every
    /// subcommand's `GlobalOptions` reads them.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var global: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--json" || argument.hasPrefix("--socket=") || argument.hasPrefix("--school=")
                || argument.hasPrefix("--lang=")
            {
                global.append(argument)
                index += 1
            } else if ["--socket", "--school", "--lang"].contains(argument) && index + 1 < arguments.count {
                global += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        let rest = Array(arguments[index...])
        guard !global.isEmpty else { return rest }
        if let separator = rest.firstIndex(of: "--") {
            return Array(rest[..<separator]) + global + Array(rest[separator...])
        }
        return rest + global
    }
}

/// A command line that names nothing usable (a label no visible year has): exit 2 with one sentence.
struct UsageError: Error {
    /// What is wrong and what to do.
    let message: String

    /// A file that cannot be read or written, in the system's words (`Is a directory`, `Permission denied`), not
    /// Foundation's error domains and codes.
    static func file(_ path: String, _ verb: FileVerb, _ error: any Error, _ l: Localizer) -> UsageError {
        let a = ["path": path, "reason": systemReason(error)]
        switch verb {
        case .read: return UsageError(message: l.tr("cannot read {path}: {reason}", a))
        case .write: return UsageError(message: l.tr("cannot write {path}: {reason}", a))
        }
    }

    /// What was done to the file.
    enum FileVerb { case read, write }

    /// The strerror(3) text of the POSIX error behind `error` (directly, or as Foundation's underlying error).
    static func systemReason(_ error: any Error) -> String {
        var current: NSError? = error as NSError
        while let error = current {
            if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
            current = error.userInfo[NSUnderlyingErrorKey] as? NSError
        }
        return (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
