import ArgumentParser
import Foundation
import YearCore
import YearProtocol

/// `yearctl request ...`.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Two-person approval requests: list, show, approve, reject, cancel.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Cancel.self])

    /// `yearctl request list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Requests, newest first.", discussion: YeardAPI.help(for: YeardAPI.Approval.list))
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only requests with this status: pending, approved, rejected, cancelled, expired.")
        var status: RequestStatus?

        func run() async throws {
            let reply = try await Client(options: options).call(
                YeardAPI.Approval.list, RequestListParameters(school: options.school, status: status))
            Client(options: options).output(reply) { reply in
                printTable(
                    ["ID", "SCHOOL", "YEAR", "EVENT", "FROM -> TO", "STATUS", "REQUESTER", "EXPIRES"],
                    reply.requests.map {
                        [
                            String($0.id), $0.school, $0.yearLabel, $0.event.rawValue, "\($0.from) -> \($0.to)",
                            $0.status.rawValue,
                            $0.requester, $0.expiresAt,
                        ]
                    }, empty: "no requests")
            }
        }
    }

    /// `yearctl request show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One request, with the hash an approval binds to.",
            discussion: YeardAPI.help(for: YeardAPI.Approval.get))
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The request's id.") var id: Int64

        func run() async throws {
            let reply = try await Client(options: options).call(YeardAPI.Approval.get, IDParameters(id: id))
            Client(options: options).output(reply) { reply in describe(reply.request) }
        }
    }

    /// `yearctl request approve`.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a request and execute it (coordinator, not the requester).",
            discussion: """
                yearctl shows the request and approves exactly what it showed: the daemon refuses if the request \
                differs from the payload hash. Pass --hash to bind the approval to a hash you reviewed earlier. \
                \(YeardAPI.help(for: YeardAPI.Approval.approve))
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The request's id.") var id: Int64
        @Option(help: "Why you approve (recorded).") var reason: String?
        @Option(help: "The payload hash you reviewed (from 'yearctl request show').") var hash: String?
        @Option(
            name: .customLong("accept"),
            help: "An error check of the readiness report you accept (repeatable; needs --reason).")
        var accepted: [String] = []
        @Flag(help: "Do not ask for confirmation on a terminal.") var yes = false

        func run() async throws {
            let client = Client(options: options)
            var shownHash = hash
            if shownHash == nil {
                let shown = try await client.call(YeardAPI.Approval.get, IDParameters(id: id))
                if !options.json { describe(shown.request) }
                shownHash = shown.request.payloadHash
                if !yes && !options.json && isatty(STDIN_FILENO) == 1 {
                    print("Approve and execute this request? [y/N] ", terminator: "")
                    guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                        print("Not approved.")
                        return
                    }
                }
            }
            let reply = try await client.call(
                YeardAPI.Approval.approve,
                ApproveParameters(
                    id: id, reason: reason, payloadHash: shownHash, accept: accepted.isEmpty ? nil : accepted))
            client.output(reply) { reply in
                print(
                    "Approved request \(reply.request.id): year \(reply.year.label) of \(reply.year.school) is now "
                        + "\(reply.year.state) (version \(reply.year.version)).")
            }
        }
    }

    /// `yearctl request reject`.
    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a request (coordinator, reason required).",
            discussion: YeardAPI.help(for: YeardAPI.Approval.reject))
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The request's id.") var id: Int64
        @Option(help: "Why (required).") var reason: String

        func run() async throws {
            let reply = try await Client(options: options).call(
                YeardAPI.Approval.reject, DecisionParameters(id: id, reason: reason))
            Client(options: options).output(reply) { reply in print("Rejected request \(reply.request.id).") }
        }
    }

    /// `yearctl request cancel`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel your own pending request.", discussion: YeardAPI.help(for: YeardAPI.Approval.cancel))
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The request's id.") var id: Int64
        @Option(help: "Why.") var reason: String?

        func run() async throws {
            let reply = try await Client(options: options).call(
                YeardAPI.Approval.cancel, DecisionParameters(id: id, reason: reason))
            Client(options: options).output(reply) { reply in print("Cancelled request \(reply.request.id).") }
        }
    }
}

func describe(_ request: RequestInfo) {
    print("Request \(request.id) (\(request.status))")
    print("  school:        \(request.school)")
    print("  year:          \(request.yearLabel) (id \(request.year), version \(request.yearVersion))")
    print("  transition:    \(request.event): \(request.from) -> \(request.to)")
    print("  reason:        \(request.reason.ifEmpty("-"))")
    print("  requested by:  \(request.requester) (uid \(request.requesterUid)) at \(request.createdAt)")
    print("  expires:       \(request.expiresAt)")
    print("  payload hash:  \(request.payloadHash)")
    if let decider = request.decider {
        print("  decided by:    \(decider) at \(request.decidedAt ?? "-"): \(request.decisionReason ?? "")")
    }
    if let rollover = request.rollover {
        let what = rollover.rollover.map { "undo of rollover \($0)" } ?? "rollover into \(rollover.toYear)"
        print("  \(what), plan \(rollover.planHash):")
        for line in rollover.summary { print("    \(line)") }
    }
}
