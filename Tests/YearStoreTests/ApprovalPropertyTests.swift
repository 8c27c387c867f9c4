import Foundation
import GRDB
import PropertyBased
import Testing
import YearCore

@testable import YearStore

/// Random sequences of requests, approvals, rejections, cancellations, expiries, grant reloads and year edits, run
/// on the real store with an injected clock, each step checked against a model of the rules (domain.md section 2):
/// a request is executed only by a coordinator who did not file it, while it is pending and unexpired, bound to its
/// hash, on the year exactly as it was filed; every step's success or refusal, every request's status and the
/// year's state must be the model's.
///
/// `YEARD_PROPERTY_CASES` sets the number of sequences (200 by default; docs/reliability.md records a run of 10,000).
@Suite("Approvals against a model of the rules")
struct ApprovalPropertyTests {
    static let cases = Int(ProcessInfo.processInfo.environment["YEARD_PROPERTY_CASES"] ?? "") ?? 200

    /// The people: uid, name. Roles come from `Model.policy`.
    enum Person: Int, CaseIterable {
        case admin, adminCoordinator, coordinator, coordinator2, nobody

        var caller: Caller {
            Caller(uid: [1001, 1002, 2001, 2002, 9999][rawValue], gid: 100, userName: "\(self)")
        }
    }

    /// One step, decoded from a random number so that the library can shrink a failing sequence.
    enum Step: CustomStringConvertible {
        /// `event` nil: the event the year's state allows (most steps), so that sequences go somewhere.
        case file(YearEvent?, by: Person)
        case approve(request: Int, by: Person, hash: HashChoice)
        case reject(request: Int, by: Person)
        case cancel(request: Int, by: Person)
        case advance(hours: Int, sweep: Bool)
        case editYear
        case reload(coordinator2: Bool, adminCoordinatorIsAdmin: Bool)

        enum HashChoice { case shown, wrong, none }

        init(_ value: Int) {
            let person = Person.allCases[(value / 16) % Person.allCases.count]
            // Those who file are mostly admins, those who decide mostly coordinators: refusals stay frequent.
            let filer = [Person.admin, .admin, .adminCoordinator, .coordinator, .nobody][(value / 16) % 5]
            let decider = [Person.coordinator, .coordinator2, .adminCoordinator, .coordinator, .admin, .nobody][
                (value / 16) % 6]
            let request = (value / 128) % 8
            switch value % 16 {
            case 0, 1, 2:
                let events: [YearEvent?] = [nil, nil, nil, .start, .beginClosing, .reopen, .close]
                self = .file(events[(value / 128) % events.count], by: filer)
            case 3, 4, 5, 6:
                self = .approve(
                    request: request, by: decider,
                    hash: [HashChoice.shown, .shown, .shown, .none, .wrong][(value / 1024) % 5])
            case 7, 8: self = .reject(request: request, by: decider)
            case 9: self = .cancel(request: request, by: person)
            case 10, 11, 12: self = .advance(hours: (value / 16) % 4 + 1, sweep: (value / 64) % 2 == 0)
            case 13: self = .editYear
            default: self = .reload(coordinator2: (value / 16) % 2 == 0, adminCoordinatorIsAdmin: (value / 32) % 2 == 0)
            }
        }

        var description: String {
            switch self {
            case .file(let event, let person): "file \(event?.rawValue ?? "the next event") by \(person)"
            case .approve(let request, let person, let hash): "approve #\(request) by \(person) (\(hash) hash)"
            case .reject(let request, let person): "reject #\(request) by \(person)"
            case .cancel(let request, let person): "cancel #\(request) by \(person)"
            case .advance(let hours, let sweep): "advance \(hours) h\(sweep ? ", sweep expiries" : "")"
            case .editYear: "edit the year"
            case .reload(let coordinator2, let admin):
                "reload: coordinator2 \(coordinator2), adminCoordinator admin \(admin)"
            }
        }
    }

    /// What the rules say the store must hold.
    struct Model {
        struct Request {
            let id: Int64, event: YearEvent, from: YearState, to: YearState, requester: Person, hash: String
            let filedEpoch: Int, expires: Date
            var status: RequestStatus
        }

        var state = YearState.open
        /// Moves with every change of the year (a transition or an edit): a request filed before is stale.
        var epoch = 0
        var requests: [Request] = []
        var now: Date
        var coordinator2 = true, adminCoordinatorIsAdmin = true

        var policy: AccessPolicy {
            var grants = [
                RoleGrant(role: .admin, subject: .uid(1001), school: nil),
                RoleGrant(role: .coordinator, subject: .uid(1002), school: nil),
                RoleGrant(role: .coordinator, subject: .uid(2001), school: nil),
            ]
            if adminCoordinatorIsAdmin { grants.append(RoleGrant(role: .admin, subject: .uid(1002), school: nil)) }
            if coordinator2 { grants.append(RoleGrant(role: .coordinator, subject: .uid(2002), school: nil)) }
            return AccessPolicy(grants: grants)
        }

        func roles(_ person: Person) -> Set<Role> { policy.roles(of: person.caller, at: "school-a") }

        func isPending(_ request: Request) -> Bool { request.status == .pending && now < request.expires }

        /// The row of the transition table for `event` from `state`, if a plain request may use it.
        static func row(_ state: YearState, _ event: YearEvent) -> YearState? {
            switch (state, event) {
            case (.open, .start): .inProgress
            case (.inProgress, .beginClosing): .closing
            case (.closing, .reopen): .inProgress
            default: nil
            }
        }
    }

    static let lifetime: TimeInterval = 3.5 * 3600

    @Test("random sequences: every step as the model says, never a self-approval or a dead request executed")
    func sequences() async throws {
        let store = try await StoreFixture()
        let start = StoreFixture.t0
        let executed = Tally()
        await propertyCheck(count: Self.cases, input: Gen.int(in: 0...(1 << 20)).array(of: 4...32)) { values in
            do {
                await executed.add(try await Self.run(values.map(Step.init), store: store, start: start))
            } catch {
                Issue.record("\(error)")
            }
        }
        // Not a vacuous search: transitions were executed (about one sequence in two executes one).
        let total = await executed.total
        #expect(total > Self.cases / 4, "\(total) transitions executed in \(Self.cases) sequences")
    }

    /// The number of transitions executed over all sequences.
    actor Tally {
        var total = 0
        func add(_ count: Int) { total += count }
    }

    /// Runs one sequence on a year of its own (a new school's, so that sequences do not meet), checking each step;
    /// returns how many transitions it executed.
    static func run(_ steps: [Step], store: StoreFixture, start: Date) async throws -> Int {
        let school = "p-\(UUID().uuidString.prefix(8).lowercased())"
        try await store.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO school (id, name, time_zone, first_grade, last_grade, graduating_grades, default_start,
                        default_end, start_skips_sunday)
                    SELECT ?, ?, time_zone, first_grade, last_grade, graduating_grades, default_start, default_end,
                        start_skips_sunday
                    FROM school WHERE id = 'school-a'
                    """, arguments: [school, school])
        }
        let year = try await store.database.createYear(
            school: school, label: YearLabel("2026/2027")!, startDate: nil, endDate: nil,
            caller: Person.admin.caller, now: start)
        var model = Model(now: start)
        let gate = ReadinessGate(accepted: Set(CheckCatalogue.checks(for: .start).map(\.id)))
        var trace: [String] = []
        var executed = 0
        for var step in steps {
            // A decision with nothing to decide yet files the next request instead, so that sequences move on.
            switch step {
            case .approve, .reject, .cancel: if model.requests.isEmpty { step = .file(nil, by: .admin) }
            default: break
            }
            trace.append(step.description)
            let context = "after: " + trace.joined(separator: "; ")
            switch step {
            case .file(let chosen, let person):
                let next: [YearState: YearEvent] = [.open: .start, .inProgress: .beginClosing, .closing: .reopen]
                let event = chosen ?? next[model.state] ?? .close
                let pending = model.requests.contains(where: model.isPending)
                let to = Model.row(model.state, event)
                let expected = to != nil && model.roles(person).contains(.admin) && !pending
                do {
                    let request = try await store.database.fileTransitionRequest(
                        year: year.id, event: event, reason: "r", caller: person.caller, policy: model.policy,
                        lifetime: lifetime, now: model.now)
                    #expect(expected, "filed when the rules refuse it; \(context)")
                    // Filing sweeps the expired ones first, as the model does by time alone.
                    model.requests.append(
                        .init(
                            id: request.id, event: event, from: model.state, to: to ?? model.state, requester: person,
                            hash: request.payloadHash, filedEpoch: model.epoch, expires: request.expiresAt,
                            status: .pending))
                } catch let error as YearError {
                    #expect(!expected, "refused (\(error)) what the rules allow; \(context)")
                }
            case .approve(let index, let person, let hashChoice):
                guard !model.requests.isEmpty else { continue }
                // Most often the newest request, sometimes an older one (decided, expired or stale).
                let position = model.requests.count - 1 - (index < 5 ? 0 : index % model.requests.count)
                let request = model.requests[position]
                let shown: String? =
                    switch hashChoice {
                    case .shown: request.hash
                    case .wrong: String(repeating: "0", count: 64)
                    case .none: nil
                    }
                let expected =
                    model.isPending(request) && model.roles(person).contains(.coordinator)
                    && person != request.requester && hashChoice != .wrong && request.filedEpoch == model.epoch
                    && model.state == request.from
                do {
                    let outcome = try await store.database.approveRequest(
                        id: request.id, reason: "ok", shownHash: shown, caller: person.caller, policy: model.policy,
                        readiness: gate, now: model.now)
                    #expect(expected, "approved when the rules refuse it; \(context)")
                    #expect(outcome.request.deciderUID != outcome.request.requesterUID, "a self-approval; \(context)")
                    model.requests[position].status = .approved
                    model.state = request.to
                    model.epoch += 1
                    executed += 1
                } catch let error as YearError {
                    #expect(!expected, "refused (\(error)) what the rules allow; \(context)")
                }
            case .reject(let index, let person), .cancel(let index, let person):
                guard !model.requests.isEmpty else { continue }
                // Most often the newest request, sometimes an older one (decided, expired or stale).
                let position = model.requests.count - 1 - (index < 5 ? 0 : index % model.requests.count)
                let request = model.requests[position]
                let isReject: Bool
                if case .reject = step { isReject = true } else { isReject = false }
                let expected =
                    model.isPending(request)
                    && (isReject
                        ? model.roles(person).contains(.coordinator) && person != request.requester
                        : person == request.requester)
                do {
                    if isReject {
                        _ = try await store.database.rejectRequest(
                            id: request.id, reason: "no", caller: person.caller, policy: model.policy, now: model.now)
                    } else {
                        _ = try await store.database.cancelRequest(
                            id: request.id, reason: "no", caller: person.caller, now: model.now)
                    }
                    #expect(expected, "decided when the rules refuse it; \(context)")
                    model.requests[position].status = isReject ? .rejected : .cancelled
                } catch let error as YearError {
                    #expect(!expected, "refused (\(error)) what the rules allow; \(context)")
                }
            case .advance(let hours, let sweep):
                model.now = model.now.addingTimeInterval(TimeInterval(hours) * 3600)
                if sweep { try await store.database.expireRequests(now: model.now) }
            case .editYear:
                try await store.database.write { db in
                    try db.execute(
                        sql:
                            "UPDATE academic_year SET end_date = date(end_date, '-1 day'), version = version + 1 WHERE id = ?",
                        arguments: [year.id])
                }
                model.epoch += 1
            case .reload(let coordinator2, let admin):
                model.coordinator2 = coordinator2
                model.adminCoordinatorIsAdmin = admin
            }
            // After every step: the year and every request are what the model says.
            let stored = try #require(try await store.database.year(id: year.id))
            #expect(stored.state == model.state, "the year is \(stored.state), the model's \(model.state); \(context)")
            for request in model.requests {
                let row = try #require(try await store.database.request(id: request.id))
                let expected = request.status == .pending && model.now >= request.expires ? .expired : request.status
                #expect(row.effectiveStatus(at: model.now) == expected, "request \(request.id); \(context)")
            }
        }
        // Whatever happened, no approved request of this year was approved by its requester, late, or stale.
        let approved = try await store.database.requests(of: [school], statuses: [.approved])
        for request in approved {
            #expect(request.deciderUID != request.requesterUID)
            #expect(request.decidedAt.map { $0 < request.expiresAt } == true)
        }
        return executed
    }
}
