import Foundation
import YearCore
import YearProtocol
import YearStore

extension Handlers {
    func registryRoutes() -> [(String, Dispatcher.Route)] {
        [
            Dispatcher.route("io.yeard.Registry.Upload", upload),
            Dispatcher.route("io.yeard.Registry.Import", importFile),
            Dispatcher.route("io.yeard.Registry.Export", export),
        ]
    }

    func upload(_ parameters: UploadParameters, _ context: CallContext) async throws -> UploadReply {
        guard let data = Data(base64Encoded: parameters.data) else {
            throw YearError.invalidParameter(field: "data", reason: "expected base64")
        }
        guard data.count <= 512 * 1024 else {
            throw YearError.invalidParameter(field: "data", reason: "at most 512 KiB per part")
        }
        let appended = try state.uploads.append(data, to: parameters.upload, owner: context.caller.uid)
        return UploadReply(upload: appended.id, bytes: appended.bytes)
    }

    func importFile(_ parameters: ImportParameters, _ context: CallContext) async throws -> ImportReply {
        guard let school = context.school else { throw YearError.invalidParameter(field: "school", reason: "required") }
        let kind = try Self.kind(parameters.kind)
        let roles = state.policy.roles(of: context.caller, at: school)
        guard roles.contains(kind.writerRole) else {
            throw YearError.permissionDenied(
                method: "io.yeard.Registry.Import", required: [kind.writerRole], school: school)
        }
        let year = try await resolveYear(parameters.year, school: school, kind: kind)
        guard let taken = try state.uploads.take(parameters.upload, owner: context.caller.uid) else {
            throw YearError.uploadNotFound(id: parameters.upload)
        }
        defer { try? FileManager.default.removeItem(atPath: taken.path) }
        if let expected = parameters.sha256?.lowercased(), expected != taken.sha256 {
            throw YearError.invalidParameter(
                field: "sha256", reason: "the upload's SHA-256 is \(taken.sha256), not \(expected): upload it again")
        }
        let name = String((parameters.fileName as NSString).lastPathComponent.prefix(200))
        let outcome = try await state.database.importRegistry(
            ImportRequest(
                kind: kind, school: school, year: year, path: taken.path, fileName: name, sha256: taken.sha256,
                dryRun: parameters.dryRun ?? false),
            caller: context.caller, now: context.now)
        if outcome.problemCount > 0 && !(parameters.dryRun ?? false) {
            throw YearError.importRefused(file: name, problems: outcome.problems, count: outcome.problemCount)
        }
        return ImportReply(
            ImportOutcomeView(
                kind: kind.rawValue, fileName: outcome.fileName, sha256: outcome.sha256, rows: outcome.rows,
                added: outcome.added, changed: outcome.changed, unchanged: outcome.unchanged, dryRun: outcome.dryRun,
                applied: outcome.applied, problems: outcome.problems, problemCount: outcome.problemCount,
                extraColumns: outcome.extraColumns),
            year: year?.label.description)
    }

    func export(_ parameters: ExportParameters, _ context: CallContext) async throws -> ExportReply {
        guard let school = context.school else { throw YearError.invalidParameter(field: "school", reason: "required") }
        let kind = try Self.kind(parameters.kind)
        let limit = parameters.limit ?? 5000
        guard (1...50000).contains(limit) else {
            throw YearError.invalidParameter(field: "limit", reason: "must be between 1 and 50000")
        }
        let offset = max(parameters.offset ?? 0, 0)
        let year = try await resolveYear(parameters.year, school: school, kind: kind)
        let page = try await state.database.exportRegistry(
            kind: kind, school: school, year: year, offset: offset, limit: limit)
        return ExportReply(csv: page.csv, next: page.more ? offset + limit : nil)
    }

    static func kind(_ text: String) throws -> RegistryKind {
        guard let kind = RegistryKind(rawValue: text.lowercased()) else {
            throw YearError.invalidParameter(
                field: "kind",
                reason: "expected one of \(RegistryKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// The year a registry call means: the one named (id or label), else the school's active year, else its only
    /// open year. Nil for kinds that belong to no year; an error when a year is needed and none can be told.
    func resolveYear(_ text: String?, school: String, kind: RegistryKind) async throws -> AcademicYear? {
        let years = try await state.database.years(of: [school])
        if let text {
            let match = years.first { String($0.id) == text || $0.label.description == text }
            guard let match else {
                throw YearError.invalidParameter(
                    field: "year", reason: "school \(school) has no year '\(text)'; see 'yearctl year list'")
            }
            return match
        }
        guard kind.isYearScoped else { return nil }
        if let active = years.first(where: { $0.state.isActive }) { return active }
        let open = years.filter { $0.state == .open }
        if open.count == 1 { return open[0] }
        if kind == .students { return nil }
        throw YearError.invalidParameter(
            field: "year", reason: "school \(school) has no active year and \(open.count) open ones: name the year")
    }
}
