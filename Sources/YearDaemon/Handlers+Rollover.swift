import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    /// The routes of `io.yeard.Rollover`.
    func rolloverRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route(YeardAPI.Rollover.plan, rolloverPlan),
            Dispatcher.route(YeardAPI.Rollover.map, rolloverMap),
            Dispatcher.route(YeardAPI.Rollover.request, rolloverRequest),
            Dispatcher.route(YeardAPI.Rollover.undo, rolloverUndo),
            Dispatcher.route(YeardAPI.Rollover.list, rolloverList),
        ]
    }

    /// The year a rollover call names, or the school's active one.
    func rolloverYear(_ text: String?, school: String) async throws -> AcademicYear {
        let years = try await state.database.years(of: [school])
        if let text { return try Self.year(named: text, in: years, school: school) }
        guard let active = years.first(where: { $0.state.isActive }) else {
            throw YearError.invalid("year", "no-year-to-roll-over", ["school": school])
        }
        return active
    }

    func rolloverPlan(_ parameters: RolloverPlanParameters, _ context: CallContext) async throws -> RolloverPlanReply {
        let school = try context.requiredSchool()
        let year = try await rolloverYear(parameters.year, school: school)
        guard year.state.isActive else {
            throw YearError.invalid(
                "year", "rollover-planned-from", ["year": year.label.description, "state": year.state.rawValue])
        }
        return RolloverPlanReply(
            try await state.database.rolloverPlan(of: year, settings: state.configuration.rolloverSettings))
    }

    func rolloverMap(_ parameters: RolloverMapParameters, _ context: CallContext) async throws -> RolloverMapReply {
        let school = try context.requiredSchool()
        let year = try await rolloverYear(parameters.year, school: school)
        let from = try Self.text(parameters.from, field: "from", required: true)
        let to = try parameters.to.map { try Self.text($0, field: "to", required: true) }
        let teacherFrom = try parameters.teacherFrom.map { try Self.text($0, field: "teacherFrom", required: true) }
        if teacherFrom != nil && to == nil {
            throw YearError.invalid("teacherFrom", "keep-needs-target")
        }
        try await state.database.setRolloverOverride(
            year: year, from: RegistryValues.className(from)?.name ?? from, to: to, teacherFrom: teacherFrom,
            caller: context.caller, now: context.now)
        return RolloverMapReply(overrides: try await state.database.rolloverOverrides(of: year))
    }

    func rolloverRequest(_ parameters: RolloverRequestParameters, _ context: CallContext) async throws -> RequestReply {
        let school = try context.requiredSchool()
        let year = try await rolloverYear(parameters.year, school: school)
        let reason = try Self.text(parameters.reason, field: "reason", required: false)
        let configuration = state.configuration
        let request = try await state.database.fileRolloverRequest(
            year: year.id, reason: reason, settings: configuration.rolloverSettings,
            checks: configuration.checkSettings, caller: context.caller, policy: configuration.policy,
            lifetime: configuration.requestLifetime, now: context.now)
        journal(.transitionRequested, request, action: .requestFile, by: context.caller)
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    func rolloverUndo(_ parameters: RolloverRequestParameters, _ context: CallContext) async throws -> RequestReply {
        let school = try context.requiredSchool()
        let reason = try Self.text(parameters.reason, field: "reason", required: true)
        let years = try await state.database.years(of: [school])
        let year: AcademicYear
        if let text = parameters.year {
            year = try Self.year(named: text, in: years, school: school)
        } else {
            guard let latest = try await state.database.rollovers(of: school).first(where: { $0.state == .applied }),
                let closed = years.first(where: { $0.id == latest.fromYearID })
            else {
                throw YearError.invalid("year", "no-rollover-to-undo", ["school": school])
            }
            year = closed
        }
        let configuration = state.configuration
        let request = try await state.database.fileUndoRequest(
            year: year.id, reason: reason, caller: context.caller, policy: configuration.policy,
            lifetime: configuration.requestLifetime, now: context.now)
        journal(.transitionRequested, request, action: .requestFile, by: context.caller)
        return RequestReply(request: RequestInfo(request, now: context.now))
    }

    func rolloverList(_ parameters: SchoolFilterParameters, _ context: CallContext) async throws -> RolloverListReply {
        let school = try context.requiredSchool()
        return RolloverListReply(rollovers: try await state.database.rollovers(of: school).map(RolloverInfo.init))
    }
}
