import Foundation
import YearCore
import YearProtocol
import YearReports
import YearStore

extension Handlers {
    /// The routes of `io.yeard.Checks`.
    func checkRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route(YeardAPI.Checks.list, listChecks),
            Dispatcher.route(YeardAPI.Checks.run, runChecks),
            Dispatcher.route(YeardAPI.Checks.last, lastChecks),
            Dispatcher.route(YeardAPI.Checks.diff, diffChecks),
            Dispatcher.route(YeardAPI.Checks.readiness, readiness),
        ]
    }

    func listChecks(_: NoParameters, _: CallContext) async throws -> CheckListReply {
        let settings = state.configuration.checkSettings
        return CheckListReply(checks: CheckCatalogue.all.map { CheckInfo($0, settings: settings) })
    }

    func runChecks(_ parameters: CheckRunParameters, _ context: CallContext) async throws -> CheckRunReply {
        let school = try context.requiredSchool()
        let format = parameters.format
        let year = try await checkedYear(parameters.year, school: school)
        let configuration = state.configuration
        let run = try await state.database.runChecks(
            school: school, year: year, checks: parameters.checks, settings: configuration.checkSettings,
            cause: .manual, caller: context.caller, keep: configuration.checkRunsKept, now: context.now)
        state.checked(run, by: context.caller)
        let (l, zone) = (state.localizer(parameters.language), configuration.zone(of: school))
        return CheckRunReply(
            run: RunInfo(run),
            rendered: try format.map {
                try CheckReport(run: run).rendered(as: $0, l, zone: zone, templates: configuration.templates())
            })
    }

    func lastChecks(_ parameters: CheckLastParameters, _ context: CallContext) async throws -> CheckLastReply {
        let school = try context.requiredSchool()
        let format = parameters.format
        let year = try await parameters.year.asyncMap { try await checkedYear($0, school: school) }
        let run = try await state.database.lastChecks(school: school, year: year).last
        let (l, zone) = (state.localizer(parameters.language), state.configuration.zone(of: school))
        return CheckLastReply(
            run: run.map(RunInfo.init),
            rendered: try run.flatMap { run in
                try format.map {
                    try CheckReport(run: run).rendered(
                        as: $0, l, zone: zone, templates: state.configuration.templates())
                }
            })
    }

    func diffChecks(_ parameters: CheckLastParameters, _ context: CallContext) async throws -> CheckDiffReply {
        let school = try context.requiredSchool()
        let year = try await parameters.year.asyncMap { try await checkedYear($0, school: school) }
        let (last, previous) = try await state.database.lastChecks(school: school, year: year)
        guard let last else {
            throw YearError.invalid("school", "no-checks-run", ["school": school])
        }
        // The first run of a year is compared with nothing: everything it found is new.
        let diff = FindingDiff(
            previous: previous?.findings ?? [], previousChecks: Set(previous?.checks ?? last.checks),
            current: last.findings, currentChecks: Set(last.checks))
        return CheckDiffReply(
            run: RunInfo(last), previous: previous?.id, new: diff.new.map(FindingInfo.init),
            resolved: diff.resolved.map(FindingInfo.init))
    }

    func readiness(_ parameters: ReadinessParameters, _ context: CallContext) async throws -> ReadinessReply {
        let school = try context.requiredSchool()
        let target = parameters.target
        let format = parameters.format
        let year = try await checkedYear(parameters.year, school: school)
        let configuration = state.configuration
        let run = try await state.database.runChecks(
            school: school, year: year, checks: CheckCatalogue.checks(for: target).map(\.id),
            settings: configuration.checkSettings, cause: .readiness, caller: context.caller,
            keep: configuration.checkRunsKept, now: context.now)
        state.checked(run, by: context.caller)
        return ReadinessReply(
            ReadinessReport(target: target, checks: run.checks, findings: run.findings), run: run,
            rendered: try format.map {
                try CheckReport(readiness: target, of: run).rendered(
                    as: $0, state.localizer(parameters.language), zone: configuration.zone(of: school),
                    templates: configuration.templates())
            })
    }

    /// The year a check concerns: the one named (id or label), else the school's active year, else its only open one.
    func checkedYear(_ text: String?, school: String) async throws -> AcademicYear {
        try Self.checkedYear(text, school: school, among: try await state.database.years(of: [school]))
    }

    /// `checkedYear` among the school's `years` already read.
    static func checkedYear(_ text: String?, school: String, among years: [AcademicYear]) throws -> AcademicYear {
        if let text { return try Self.year(named: text, in: years, school: school) }
        if let active = years.first(where: { $0.state.isActive }) { return active }
        let open = years.filter { $0.state == .open }
        if open.count == 1 { return open[0] }
        throw YearError.invalid(
            "year", open.isEmpty ? "no-year-to-check" : "name-the-year",
            ["school": school, "count": String(open.count)])
    }
}

extension Optional {
    /// `map` with an asynchronous, throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
