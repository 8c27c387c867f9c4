import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    func registryRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route(YeardAPI.Registry.upload, upload),
            Dispatcher.route(YeardAPI.Registry.`import`, importFile),
            Dispatcher.route(YeardAPI.Registry.export, export),
            Dispatcher.route(YeardAPI.Registry.movement, movement),
            Dispatcher.route(YeardAPI.Registry.issueOrder, issueOrder),
            Dispatcher.route(YeardAPI.Registry.record, record),
            Dispatcher.route(YeardAPI.Registry.updateContact, updateContact),
        ]
    }

    func upload(_ parameters: UploadParameters, _ context: CallContext) async throws -> UploadReply {
        guard let data = Data(base64Encoded: parameters.data) else {
            throw YearError.invalid("data", "base64")
        }
        guard data.count <= 512 * 1024 else {
            throw YearError.invalid("data", "part-too-large", ["kib": "512"])
        }
        let appended = try state.uploads.append(
            data, to: parameters.upload, owner: context.caller.uid, limits: state.configuration.uploadLimits,
            now: context.now)
        return UploadReply(upload: appended.id, bytes: appended.bytes)
    }

    func importFile(_ parameters: ImportParameters, _ context: CallContext) async throws -> ImportReply {
        try await importUpload(parameters, context)
    }

    /// An import of an upload for Import, Record or IssueOrder, once the caller was authorized for the method (and
    /// the kind's writer role; a teacher's own assignments are checked by the store, in the write).
    func importUpload(_ parameters: ImportParameters, _ context: CallContext) async throws
        -> ImportReply
    {
        let school = try context.requiredSchool()
        let kind = parameters.kind
        if let check = context.ownership { try await state.database.precheckOwnership(check, school: school) }
        let year = try await resolveYear(parameters.year, school: school, kind: kind)
        guard let taken = try state.uploads.take(parameters.upload, owner: context.caller.uid) else {
            throw YearError.uploadNotFound(id: parameters.upload)
        }
        defer { try? FileManager.default.removeItem(atPath: taken.path) }
        if let expected = parameters.sha256?.lowercased(), expected != taken.sha256 {
            throw YearError.invalid("sha256", "upload-hash", ["actual": taken.sha256, "expected": expected])
        }
        let name = String((parameters.fileName as NSString).lastPathComponent.prefix(200))
        let asOf = try parameters.asOf.map { text -> CalendarDate in
            guard let date = RegistryValues.date(text) else {
                throw YearError.invalid("asOf", "school-date", ["got": text])
            }
            return date
        }
        var request = ImportRequest(
            kind: kind, school: school, year: year, path: taken.path, fileName: name, sha256: taken.sha256,
            dryRun: parameters.dryRun ?? false, ownership: context.ownership, asOf: asOf,
            encoding: parameters.encoding, sheet: parameters.sheet)
        request.workbookMaxPartBytes = state.configuration.workbookMaxPartBytes
        let outcome = try await state.database.importRegistry(request, caller: context.caller, now: context.now)
        if outcome.problemCount > 0 && !(parameters.dryRun ?? false) {
            throw YearError.importRefused(file: name, problems: outcome.problems, count: outcome.problemCount)
        }
        return ImportReply(
            ImportOutcomeView(
                kind: kind, fileName: outcome.fileName, sha256: outcome.sha256, rows: outcome.rows,
                added: outcome.added, changed: outcome.changed, unchanged: outcome.unchanged, dryRun: outcome.dryRun,
                applied: outcome.applied, problems: outcome.problems, problemCount: outcome.problemCount,
                extraColumns: outcome.extraColumns, encoding: outcome.encoding, sheet: outcome.sheet,
                warnings: outcome.warnings, warningCount: outcome.warningCount),
            year: year?.label.description)
    }

    func export(_ parameters: ExportParameters, _ context: CallContext) async throws -> ExportReply {
        let school = try context.requiredSchool()
        let kind = parameters.kind
        let limit = parameters.limit ?? 5000
        guard (1...50000).contains(limit) else {
            throw YearError.invalid("limit", "between", ["min": "1", "max": "50000"])
        }
        let year = try await resolveYear(parameters.year, school: school, kind: kind)
        let page = try await state.database.exportRegistry(
            kind: kind, school: school, year: year, after: parameters.after, limit: limit,
            raw: parameters.raw ?? false, now: context.now)
        return ExportReply(csv: page.csv, next: page.next)
    }

    func movement(_ parameters: MovementParameters, _ context: CallContext) async throws -> MovementReply {
        let (school, years, from, to, group) = try await movementPeriod(parameters, school: context.requiredSchool())
        let book = try await state.database.movement(school: school, years: years, from: from, to: to, group: group)
        func info(_ line: MovementLine) -> MovementInfo {
            MovementInfo(
                class: line.group, year: line.year, start: line.start, arrived: line.arrived, left: line.left,
                end: line.end, orders: line.orders)
        }
        return MovementReply(
            school: school, year: years.map(\.label.description).joined(separator: ", "), from: from.description,
            to: to.description, classes: book.classes.map(info), total: info(book.school))
    }

    /// The period of a movement book: its days (checked), its class, and the years it reads (the one named, else
    /// every year the period meets).
    func movementPeriod(_ parameters: MovementParameters, school: String) async throws -> (
        school: String, years: [AcademicYear], from: CalendarDate, to: CalendarDate, group: String?
    ) {
        guard let from = RegistryValues.date(parameters.from) else {
            throw YearError.invalid("from", "school-date", ["got": parameters.from])
        }
        guard let to = RegistryValues.date(parameters.to), from <= to else {
            throw YearError.invalid("to", "date-before-from", ["got": parameters.to])
        }
        let group = try Self.className(parameters.class)
        // The classes of the named year, else of every year the period meets (a period across a rollover shows
        // the old year's classes and the new one's); the school's line counts across them all.
        let all = try await state.database.years(of: [school])
        // A year holds its classes until the next year starts (its students who stay are in them over the summer).
        let sorted = all.sorted { $0.startDate < $1.startDate }
        let meeting = sorted.enumerated().filter { index, year in
            let until = index + 1 < sorted.count ? sorted[index + 1].startDate.adding(days: -1) : year.lastDay
            return year.startDate <= to && max(until ?? year.lastDay, year.lastDay) >= from
        }.map(\.element)
        let years = try parameters.year.map { [try Self.year(named: $0, in: all, school: school)] } ?? meeting
        guard !all.isEmpty else {
            throw YearError.invalid("year", "no-year-yet", ["school": school])
        }
        return (school, years, from, to, group)
    }

    func issueOrder(_ parameters: IssueOrderParameters, _ context: CallContext) async throws -> ImportReply {
        let school = try context.requiredSchool()
        let text =
            CSVWriter.line(RegistryKind.orders.columns.map(\.name))
            + CSVWriter.line([
                parameters.orderNo, parameters.orderDate, parameters.kind.rawValue, parameters.studentId,
                parameters.classFrom,
                parameters.classTo, parameters.effectiveOn, parameters.basis, parameters.destination,
            ])
        // One order is one row of an orders file: it goes through the same checks and the same transaction.
        let upload = try state.uploads.append(
            Data(text.utf8), to: nil, owner: context.caller.uid, limits: state.configuration.uploadLimits,
            now: context.now)
        return try await importUpload(
            ImportParameters(
                kind: .orders, upload: upload.id, school: school, year: parameters.year,
                fileName: "order \(parameters.orderNo)", sha256: nil, dryRun: false),
            context)
    }

    func record(_ parameters: RecordParameters, _ context: CallContext) async throws -> ImportReply {
        let school = try context.requiredSchool()
        let kind = parameters.kind
        let names = kind.columns.map(\.name)
        if let unknown = parameters.values.keys.sorted().first(where: { !names.contains($0) }) {
            throw YearError.invalid(
                "values", "no-column",
                ["kind": kind.rawValue, "column": unknown, "columns": names.joined(separator: ", ")])
        }
        // One row is a one-row file with the columns given: the same checks, the same transaction, the same roles.
        let given = kind.columns.filter { parameters.values[$0.name] != nil || $0.required }
        let text = CSVWriter.line(given.map(\.name)) + CSVWriter.line(given.map { parameters.values[$0.name] ?? "" })
        let upload = try state.uploads.append(
            Data(text.utf8), to: nil, owner: context.caller.uid, limits: state.configuration.uploadLimits,
            now: context.now)
        return try await importUpload(
            ImportParameters(
                kind: kind, upload: upload.id, school: school, year: parameters.year,
                fileName: "record of \(kind.rawValue)", sha256: nil, dryRun: false),
            context)
    }

    func updateContact(_ parameters: UpdateContactParameters, _ context: CallContext) async throws
        -> UpdateContactReply
    {
        let school = try context.requiredSchool()
        if let check = context.ownership { try await state.database.precheckOwnership(check, school: school) }
        for (field, value) in [("phone", parameters.phone), ("email", parameters.email)] {
            if let value, value.count > 200 || value.contains(where: { $0.isNewline }) {
                throw YearError.invalid(field, "one-line", ["max": "200"])
            }
        }
        return UpdateContactReply(
            changed: try await state.database.updateGuardianContact(
                school: school, student: parameters.studentId, guardian: parameters.guardianId,
                phone: parameters.phone, email: parameters.email, caller: context.caller, ownership: context.ownership,
                now: context.now))
    }

    /// The year a registry call means: the one named (id or label), else the school's active year, else its only
    /// open year. Nil for kinds that belong to no year; an error when a year is needed and none can be told.
    func resolveYear(_ text: String?, school: String, kind: RegistryKind) async throws -> AcademicYear? {
        let years = try await state.database.years(of: [school])
        if let text { return try Self.year(named: text, in: years, school: school) }
        guard kind.isYearScoped else { return nil }
        if let active = years.first(where: { $0.state.isActive }) { return active }
        let open = years.filter { $0.state == .open }
        if open.count == 1 { return open[0] }
        if kind == .students { return nil }
        throw YearError.invalid("year", "name-the-year", ["school": school, "count": String(open.count)])
    }

    /// The year of `years` named `text` (its id or its label), or an error that says where to look.
    static func year(named text: String, in years: [AcademicYear], school: String) throws -> AcademicYear {
        guard let match = years.first(where: { String($0.id) == text || $0.label.description == text }) else {
            throw YearError.invalid("year", "no-such-year", ["school": school, "year": text])
        }
        return match
    }
}
