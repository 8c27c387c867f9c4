import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    func reportRoutes() -> [(String, Dispatcher.Route)] {
        [Dispatcher.route(YeardAPI.Reports.oo1, oo1)]
    }

    /// The schools a report concerns: the one named, else the caller's only school, else (with `allSchools`) every
    /// school they may see.
    func reportSchools(_ context: CallContext, allSchools: Bool?) throws -> [String] {
        if let school = context.school { return [school] }
        if allSchools == true || context.visibleSchools.count == 1 { return context.visibleSchools }
        throw YearError.invalid(
            "school", "name-report-school",
            ["count": String(context.visibleSchools.count), "schools": context.visibleSchools.joined(separator: ", ")])
    }

    func oo1(_ parameters: OO1Parameters, _ context: CallContext) async throws -> OO1Reply {
        let schools = try reportSchools(context, allSchools: parameters.allSchools)
        let named = try parameters.date.map { text -> CalendarDate in
            guard let date = RegistryValues.date(text) else {
                throw YearError.invalid("date", "school-date", ["got": text])
            }
            return date
        }
        var reports: [OO1Report] = [], skipped: [SkippedSchool] = []
        for school in schools {
            do {
                let year = try await checkedYear(parameters.year, school: school)
                let day = named ?? OO1Report.referenceDay(of: year)
                guard year.startDate <= day, day <= year.lastDay else {
                    throw YearError.invalid(
                        "date", "date-outside-year",
                        [
                            "date": day.description, "year": year.label.description,
                            "first_day": year.startDate.description, "last_day": year.lastDay.description,
                        ])
                }
                let ageOn = OO1Report.ageDay(for: day, yearStart: year.startDate)
                let counts = try await state.database.oo1Counts(school: school, year: year, on: day, ageOn: ageOn)
                let name = state.configuration.schools.first { $0.id == school }?.name ?? school
                reports.append(
                    OO1Report(
                        school: school, schoolName: name, year: year.label.description, date: day, ageOn: ageOn,
                        counts: counts))
            } catch let error as YearError where schools.count > 1 {
                var note: Note?
                if case .invalidParameter(_, _, let found) = error { note = found }
                skipped.append(SkippedSchool(school: school, message: error.message(.english), note: note))
            }
        }
        return OO1Reply(reports: reports, skipped: skipped)
    }
}
