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
            let moment = await Moments.fetch(options)
            let l = options.l
            Client(options: options).output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "ID"), l.trc("table heading", "SCHOOL"), l.trc("table heading", "YEAR"),
                        l.trc("table heading", "EVENT"), l.trc("table heading", "FROM -> TO"),
                        l.trc("table heading", "STATUS"), l.trc("table heading", "REQUESTER"),
                        l.trc("table heading", "EXPIRES"),
                    ],
                    reply.requests.map {
                        [
                            String($0.id), $0.school, $0.yearLabel, $0.event.name(l),
                            "\($0.from.name(l)) -> \($0.to.name(l))", $0.status.name(l), $0.requester,
                            moment($0.expiresAt, school: $0.school),
                        ]
                    }, empty: l.tr("no requests"))
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
            let moment = await Moments.fetch(options)
            Client(options: options).output(reply) { reply in describe(reply.request, moment) }
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
            let l = options.l
            var shownHash = hash
            if shownHash == nil {
                let shown = try await client.call(YeardAPI.Approval.get, IDParameters(id: id))
                if !options.json { describe(shown.request, await Moments.fetch(options)) }
                shownHash = shown.request.payloadHash
                if !yes && !options.json && isatty(STDIN_FILENO) == 1 {
                    // TRANSLATORS: the answers accepted are y and yes (and the translation of "yes", below).
                    print(l.tr("Approve and execute this request? [y/N] "), terminator: "")
                    // TRANSLATORS: the word a person types to answer yes at a confirmation prompt.
                    let accepted = ["y", "yes", l.trc("confirmation answer", "yes").lowercased()]
                    guard let answer = readLine(), accepted.contains(answer.lowercased()) else {
                        print(l.tr("Not approved."))
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
                    l.tr(
                        "Approved request {id}: year {year} of {school} is now {state} (version {version}).",
                        [
                            "id": String(reply.request.id), "year": reply.year.label, "school": reply.year.school,
                            "state": reply.year.state.name(l), "version": String(reply.year.version),
                        ]))
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
            Client(options: options).output(reply) { reply in
                print(options.l.tr("Rejected request {id}.", ["id": String(reply.request.id)]))
            }
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
            Client(options: options).output(reply) { reply in
                print(options.l.tr("Cancelled request {id}.", ["id": String(reply.request.id)]))
            }
        }
    }
}

func describe(_ request: RequestInfo, _ moment: Moments) {
    let l = moment.l
    let a = [
        "id": String(request.id), "status": request.status.name(l), "school": request.school,
        "label": request.yearLabel, "year": String(request.year), "version": String(request.yearVersion),
        "event": request.event.name(l), "from": request.from.name(l), "to": request.to.name(l),
        "reason": request.reason.ifEmpty("-"), "requester": request.requester, "uid": String(request.requesterUid),
        "created": moment(request.createdAt, school: request.school),
        "expires": moment(request.expiresAt, school: request.school), "hash": request.payloadHash,
        "decider": request.decider ?? "-", "decided": moment(request.decidedAt, school: request.school),
        "decision": request.decisionReason ?? "",
    ]
    print(l.tr("Request {id} ({status})", a))
    // TRANSLATORS: the lines of a request's description: keep the labels aligned with one another.
    print(l.tr("  school:        {school}", a))
    print(l.tr("  year:          {label} (id {year}, version {version})", a))
    print(l.tr("  transition:    {event}: {from} -> {to}", a))
    print(l.tr("  reason:        {reason}", a))
    print(l.tr("  requested by:  {requester} (uid {uid}) at {created}", a))
    print(l.tr("  expires:       {expires}", a))
    print(l.tr("  payload hash:  {hash}", a))
    if request.decider != nil {
        print(l.tr("  decided by:    {decider} at {decided}: {decision}", a))
    }
    if let rollover = request.rollover {
        let b = [
            "rollover": rollover.rollover.map(String.init) ?? "", "year": rollover.toYear, "plan": rollover.planHash,
        ]
        print(
            rollover.rollover == nil
                ? l.tr("  rollover into {year}, plan {plan}:", b)
                : l.tr("  undo of rollover {rollover}, plan {plan}:", b))
        // A request filed before requests kept notes shows its English lines.
        let lines = rollover.notes?.map { $0.message(l) } ?? rollover.summary
        for line in lines { print("    \(line)") }
    }
}
