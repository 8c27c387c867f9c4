import YearCore

extension YeardAPI {
    /// One line for the client's help: what the method does and who may call it, from the method table.
    public static func help<P, R>(for method: Method<P, R>) -> String {
        let spec = method.spec
        let who =
            spec.roles.isEmpty
            ? "anyone who can connect"
            : spec.roles.sorted().map(\.rawValue).joined(
                separator: " or ")
        return "Calls \(spec.fullName) (\(spec.mutating ? "changes state; " : "")role: \(who))."
    }

    /// docs/protocol.md, generated from the method table and the interface descriptions (a test keeps the file
    /// in step with the code: regenerate it with `yeard --print-protocol > docs/protocol.md`).
    public static func markdownReference() -> String {
        var text = """
            # The yeard control protocol

            Generated from the method table in `Sources/YearProtocol/YeardAPI.swift` by `yeard --print-protocol`;
            do not edit by hand.

            yeard speaks [Varlink](https://varlink.org): JSON messages, each terminated by a NUL byte, over a Unix
            stream socket. The caller is identified by the kernel (SO_PEERCRED); what it may call depends only on the
            roles `yeard.toml` grants it. Every error carries a `message` for people beside its named fields
            (also the standard `org.varlink.service` errors). The errors declared by `io.yeard.Year`
            (PermissionDenied, SchoolNotFound, TransitionNotAllowed, GuardFailed, InternalFailure, TooManyConnections,
            InvalidMessage) are shared: any `io.yeard` method may return them. A refused call that would have changed
            state, and every permission denial, leaves one audit row, with the parameters cut to a bounded summary and
            their SHA-256. A message that is not a Varlink call (not strict JSON: a key twice, nesting deeper than 64,
            invalid UTF-8, a number out of range, NUL in a string; or no `method`) gets `InvalidMessage`, and the
            connection is closed. Parameters are checked against the method's signature before the caller's roles:
            an unknown field, a value of the wrong type, or a value outside an enum (exactly as listed: `students`,
            not `Students`) gets `InvalidParameter` naming the field and what it takes. Besides the standard
            `parameter`, yeard's `InvalidParameter` carries `reason` (the English sentence of what is wrong) and,
            where the daemon has one, `note`: `{"code": ..., "params": {...}}`, the same sentence as a code and what
            it names, which yearctl says in its user's language (the codes are listed in
            `Sources/YearCore/Note+Refusals.swift`). Errors and plans of the rollover carry notes the same way
            (`Note`, `error_notes`, `notes`).

            | method | roles | changes state |
            |---|---|---|

            """
        for interface in interfaces {
            for spec in interface.methods {
                let who = spec.roles.isEmpty ? "anyone" : spec.roles.sorted().map(\.rawValue).joined(separator: ", ")
                text += "| `\(spec.fullName)` | \(who) | \(spec.mutating ? "yes" : "no") |\n"
            }
        }
        for interface in interfaces {
            text += "\n## \(interface.name)\n\n```\n\(interface.description)```\n"
        }
        return text
    }
}
