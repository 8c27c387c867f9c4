import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    /// The routes of `io.yeard.Rollover`.
    func rolloverRoutes() -> [(String, Dispatcher.Route)] {
        [Dispatcher.route("io.yeard.Rollover.Plan", rolloverPlan)]
    }

    func rolloverPlan(_ parameters: RolloverPlanParameters, _ context: CallContext) async throws -> RolloverPlanReply {
        let school = try context.requiredSchool()
        let years = try await state.database.years(of: [school])
        let year: AcademicYear
        if let text = parameters.year {
            year = try Self.year(named: text, in: years, school: school)
        } else {
            guard let active = years.first(where: { $0.state.isActive }) else {
                throw YearError.invalidParameter(
                    field: "year", reason: "school \(school) has no year in progress or closing to roll over")
            }
            year = active
        }
        guard year.state.isActive else {
            throw YearError.invalidParameter(
                field: "year",
                reason: "year \(year.label) is \(year.state.rawValue): a rollover is planned from in_progress on")
        }
        guard let plan = RolloverPlan(try await state.database.rolloverInput(of: year)) else {
            throw YearError.invalidParameter(
                field: "year", reason: "the school's calendar gives no dates for the year after \(year.label)")
        }
        return RolloverPlanReply(plan)
    }
}
