import ArgumentParser

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
              2  usage error (a wrong option or argument)
              3  permission denied (you lack the role the command needs)
              4  cannot connect to the daemon
            """,
        version: "0.1.0",
        subcommands: [
            StatusCommand.self, SchoolCommand.self, YearCommand.self, RequestCommand.self, AuditCommand.self,
        ])
}
