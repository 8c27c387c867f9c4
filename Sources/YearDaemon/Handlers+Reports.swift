import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    func reportRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route(YeardAPI.Reports.oo1, oo1), Dispatcher.route(YeardAPI.Reports.orders, orders),
            Dispatcher.route(YeardAPI.Reports.movementBook, movementBook),
            Dispatcher.route(YeardAPI.Reports.summarySheet, summarySheet),
            Dispatcher.route(YeardAPI.Reports.consents, consents),
        ]
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

    /// The role a report naming persons is recorded in: the strongest of the caller's roles that may read reports.
    func reportRole(_ context: CallContext, school: String) -> Role {
        let held = state.configuration.policy.roles(of: context.caller, at: school)
        return [Role.coordinator, .admin, .secretary, .auditor].first(where: held.contains) ?? .auditor
    }

    func orders(_ parameters: OrdersParameters, _ context: CallContext) async throws -> OrdersReply {
        let school = try reportSchools(context, allSchools: nil)[0]
        let years = try await state.database.years(of: [school])
        let year = try Self.checkedYear(parameters.year, school: school, among: years)
        let orders = try await state.database.orderDocuments(
            school: school, years: [year], number: parameters.number, kind: parameters.kind)
        if let number = parameters.number, orders.isEmpty {
            throw YearError.invalid(
                "number", "no-order", ["number": number, "school": school, "year": year.label.description])
        }
        let report = OrdersReport(
            school: school, schoolName: schoolName(school), year: year.label.description,
            signatory: state.configuration.signatories[school], orders: orders)
        try await state.database.recordReport(
            caller: context.caller, role: reportRole(context, school: school), school: school, report: "orders",
            details: [
                "year": .string(year.label.description), "number": parameters.number.map(JSONValue.string) ?? .null,
                "kind": parameters.kind.map { .string($0.rawValue) } ?? .null,
                "orders": .int(Int64(orders.count)), "persons": .int(Int64(report.persons)),
            ], now: context.now)
        return OrdersReply(report: report)
    }

    func movementBook(_ parameters: MovementParameters, _ context: CallContext) async throws -> MovementBookReply {
        let period = try await movementPeriod(parameters, school: reportSchools(context, allSchools: nil)[0])
        let (school, from, to) = (period.school, period.from, period.to)
        let read = try await state.database.movementBook(
            school: school, years: period.years, from: from, to: to, group: period.group)
        var lists: [String: (arrived: [MovementEntry], left: [MovementEntry])] = [:]
        for (year, group, arrived, entry) in read.entries {
            let key = year + "\u{1F}" + group
            if arrived {
                lists[key, default: ([], [])].arrived.append(entry)
            } else {
                lists[key, default: ([], [])].left.append(entry)
            }
        }
        let classes = read.classes.map { line in
            let parts = lists[(line.year ?? "") + "\u{1F}" + (line.group ?? "")] ?? ([], [])
            return MovementBookClass(
                class: line.group ?? "", year: line.year ?? "", start: line.start, end: line.end,
                arrived: parts.arrived, left: parts.left)
        }
        let years = period.years.map(\.label.description).joined(separator: ", ")
        let book = MovementBookReport(
            school: school, schoolName: schoolName(school), years: years, from: from.description, to: to.description,
            classes: classes,
            total: MovementBookTotal(
                start: read.school.start, arrived: read.school.arrived, left: read.school.left, end: read.school.end))
        try await state.database.recordReport(
            caller: context.caller, role: reportRole(context, school: school), school: school, report: "movement-book",
            details: [
                "years": .string(years), "from": .string(from.description), "to": .string(to.description),
                "class": period.group.map(JSONValue.string) ?? .null, "persons": .int(Int64(book.persons)),
            ], now: context.now)
        return MovementBookReply(book: book)
    }

    func summarySheet(_ parameters: SummarySheetParameters, _ context: CallContext) async throws
        -> SummarySheetReply
    {
        let school = try reportSchools(context, allSchools: nil)[0]
        let year = try Self.checkedYear(
            parameters.year, school: school, among: try await state.database.years(of: [school]))
        let group = try Self.className(parameters.class)
        let classes = try await state.database.summarySheet(school: school, year: year, group: group)
        if let group, classes.isEmpty {
            throw YearError.invalid(
                "class", "no-class-students", ["class": group, "year": year.label.description, "school": school])
        }
        let sheet = SummarySheetReport(
            school: school, schoolName: schoolName(school), year: year.label.description, classes: classes)
        try await state.database.recordReport(
            caller: context.caller, role: reportRole(context, school: school), school: school, report: "summary-sheet",
            details: [
                "year": .string(year.label.description), "class": group.map(JSONValue.string) ?? .null,
                "persons": .int(Int64(sheet.persons)),
            ], now: context.now)
        return SummarySheetReply(sheet: sheet)
    }

    func consents(_ parameters: ConsentsParameters, _ context: CallContext) async throws -> ConsentsReply {
        let school = try reportSchools(context, allSchools: nil)[0]
        let year = try Self.checkedYear(
            parameters.year, school: school, among: try await state.database.years(of: [school]))
        let day: CalendarDate
        if let text = parameters.date {
            guard let date = RegistryValues.date(text) else {
                throw YearError.invalid("date", "school-date", ["got": text])
            }
            try Self.requireDay(date, of: year)
            day = date
        } else {
            // Today on the school's clock, kept within the year (before it starts: its first day).
            let today =
                CalendarDate(context.now, timeZone: state.configuration.zone(of: school).identifier) ?? year.startDate
            day = min(max(today, year.startDate), year.lastDay)
        }
        let group = try Self.className(parameters.class)
        let students = try await state.database.consents(
            school: school, year: year, on: day, group: group, student: parameters.student,
            missingOnly: parameters.missingOnly ?? false, ownership: context.ownership)
        if let student = parameters.student, students.isEmpty, parameters.missingOnly != true {
            throw YearError.invalid(
                "student", "no-student-in-year",
                ["student": student, "year": year.label.description, "date": day.description])
        }
        let report = ConsentsReport(
            school: school, schoolName: schoolName(school), year: year.label.description, date: day.description,
            students: students)
        try await state.database.recordReport(
            caller: context.caller, role: context.ownership == nil ? reportRole(context, school: school) : .teacher,
            school: school, report: "consents",
            details: [
                "year": .string(year.label.description), "date": .string(day.description),
                "class": group.map(JSONValue.string) ?? .null,
                "student": parameters.student.map(JSONValue.string) ?? .null,
                "missingOnly": .bool(parameters.missingOnly ?? false), "persons": .int(Int64(report.persons)),
            ], now: context.now)
        return ConsentsReply(report: report)
    }

    /// A class name as a call gives it (`5а`, `5 А`), as the registry writes it (`5А`); refused when it is none.
    static func className(_ text: String?) throws -> String? {
        try text.map { text in
            guard let name = RegistryValues.className(text)?.name else {
                throw YearError.invalid("class", "class-name", ["got": text])
            }
            return name
        }
    }

    /// Refuses a day that is not one of `year`'s, naming the year's first and last days.
    static func requireDay(_ day: CalendarDate, of year: AcademicYear) throws {
        guard year.startDate <= day, day <= year.lastDay else {
            throw YearError.invalid(
                "date", "date-outside-year",
                [
                    "date": day.description, "year": year.label.description,
                    "first_day": year.startDate.description, "last_day": year.lastDay.description,
                ])
        }
    }

    /// A school's name as the configuration gives it (its id for a school no longer configured).
    func schoolName(_ school: String) -> String {
        state.configuration.schools.first { $0.id == school }?.name ?? school
    }

    func oo1(_ parameters: OO1Parameters, _ context: CallContext) async throws -> OO1Reply {
        let schools = try reportSchools(context, allSchools: parameters.allSchools)
        let named = try parameters.date.map { text -> CalendarDate in
            guard let date = RegistryValues.date(text) else {
                throw YearError.invalid("date", "school-date", ["got": text])
            }
            return date
        }
        // Every school's years in one read; each school's counts in one read transaction (the store counts many
        // schools in parts at once, on a reader each).
        let years = Dictionary(grouping: try await state.database.years(of: schools), by: \.school)
        var requests: [OO1Request] = [], skipped: [SkippedSchool] = []
        for school in schools {
            do {
                let year = try Self.checkedYear(parameters.year, school: school, among: years[school] ?? [])
                let day = named ?? OO1Report.referenceDay(of: year)
                try Self.requireDay(day, of: year)
                let ageOn = OO1Report.ageDay(for: day, yearStart: year.startDate)
                requests.append(OO1Request(school: school, year: year, day: day, ageOn: ageOn))
            } catch let error as YearError where schools.count > 1 {
                var note: Note?
                if case .invalidParameter(_, _, let found) = error { note = found }
                skipped.append(SkippedSchool(school: school, message: error.message(.english), note: note))
            }
        }
        let names = Dictionary(state.configuration.schools.map { ($0.id, $0.name) }) { first, _ in first }
        let counts = try await state.database.oo1Counts(requests)
        let reports = zip(requests, counts).map { request, counts in
            OO1Report(
                school: request.school, schoolName: names[request.school] ?? request.school,
                year: request.year.label.description, date: request.day, ageOn: request.ageOn, counts: counts)
        }
        return OO1Reply(reports: reports, skipped: skipped)
    }
}
