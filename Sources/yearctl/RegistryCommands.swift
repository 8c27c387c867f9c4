import ArgumentParser
import Crypto
import Foundation
import YearCore
import YearProtocol

/// `yearctl import KIND FILE`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a registry CSV file or Excel workbook (.xlsx), all or nothing (see docs/formats.md).",
        discussion: """
            KIND is one of: staff, subjects, classes, students, orders, guardians, consents, applications, \
            curriculum, assignments, schedule, grades, decisions (docs/formats.md). Every row is checked; a file with any problem \
            writes nothing and every problem is listed as FILE:LINE:COLUMN, or in a workbook as FILE:SHEET!CELL \
            (students.xlsx:Лист1!E7). --dry-run reports what would be added, changed and left unchanged without \
            writing. \(YeardAPI.help(for: YeardAPI.Registry.`import`))
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The kind of file.") var kind: RegistryKind
    @Argument(help: "The CSV file or Excel workbook (.xlsx).") var file: String
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Flag(name: .customLong("dry-run"), help: "Check and count without writing.") var dryRun = false
    @Option(
        name: .customLong("as-of"),
        help: "Compare the file with the registry on this day (a student's class then); default: today.")
    var asOf: String?
    @Option(
        help: """
            The file's encoding: utf-8, windows-1251 (cp1251) or utf-16le/utf-16be; default: found from its bytes \
            (UTF-8, Windows-1251 as Russian Excel saves CSV, UTF-16 with a byte-order mark).
            """)
    var encoding: String?
    @Option(help: "The sheet of a workbook to read, by its tab's name; default: the first.") var sheet: String?

    func run() async throws {
        let l = options.l
        var named: TextEncoding?
        if let encoding {
            guard let found = TextEncoding(named: encoding) else {
                throw ValidationError(
                    l.tr(
                        "unknown encoding '{encoding}'; yearctl reads utf-8, windows-1251, utf-16le and utf-16be",
                        ["encoding": encoding]))
            }
            named = found
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError(message: l.tr("{file} is a directory; name the CSV file to import", ["file": file]))
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        } catch {
            throw UsageError.file(file, .read, error, l)
        }
        defer { try? handle.close() }
        let client = Client(options: options)
        let reply = try await client.withSession { session -> ImportReply in
            var upload: String?
            var hasher = SHA256()
            repeat {
                let chunk: Data
                do {
                    chunk = try handle.read(upToCount: 512 * 1024) ?? Data()
                } catch {
                    throw UsageError.file(file, .read, error, l)
                }
                if chunk.isEmpty && upload != nil { break }
                hasher.update(data: chunk)
                upload = try await session.call(
                    YeardAPI.Registry.upload, UploadParameters(upload: upload, data: chunk.base64EncodedString())
                ).upload
            } while true
            let sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return try await session.call(
                YeardAPI.Registry.`import`,
                ImportParameters(
                    kind: kind, upload: upload ?? "", school: options.school, year: year,
                    fileName: (file as NSString).lastPathComponent, sha256: sha256, dryRun: dryRun, asOf: asOf,
                    encoding: named, sheet: sheet))
        }
        client.output(reply) { reply in
            let a = [
                "file": reply.fileName, "rows": l.number(reply.rows), "problems": l.number(reply.problemCount),
                "added": l.number(reply.added), "changed": l.number(reply.changed),
                "unchanged": l.number(reply.unchanged), "year": reply.year ?? "",
                "encoding": reply.encoding?.name ?? "", "columns": reply.extraColumns.joined(separator: ", "),
                "more": l.number(reply.problemCount - reply.problems.count), "sheet": reply.sheet ?? "",
                "warnings": l.number(reply.warningCount ?? 0),
                "more_warnings": l.number((reply.warningCount ?? 0) - (reply.warnings?.count ?? 0)),
            ]
            if reply.problemCount > 0 {
                print(
                    l.trn(
                        "{file}: {rows} rows, {count} problem; nothing would be written",
                        "{file}: {rows} rows, {count} problems; nothing would be written", reply.problemCount, a))
            } else if reply.dryRun && reply.year != nil {
                print(
                    l.tr(
                        "{file}: {rows} rows; would add {added}, would change {changed}, unchanged {unchanged} (year {year}); nothing written (dry run)",
                        a))
            } else if reply.dryRun {
                print(
                    l.tr(
                        "{file}: {rows} rows; would add {added}, would change {changed}, unchanged {unchanged}; nothing written (dry run)",
                        a))
            } else if reply.year != nil {
                print(
                    l.tr(
                        "{file}: {rows} rows; added {added}, changed {changed}, unchanged {unchanged} (year {year})", a)
                )
            } else {
                print(l.tr("{file}: {rows} rows; added {added}, changed {changed}, unchanged {unchanged}", a))
            }
            if let encoding = reply.encoding, encoding != .utf8 {
                print(l.tr("read as {encoding} (found from the file's bytes, or as --encoding named it)", a))
            }
            if reply.sheet != nil {
                print(l.tr("read from the sheet '{sheet}'", a))
            }
            for warning in reply.warnings ?? [] { print("\(reply.fileName):\(warning.problem.description(l))") }
            if let count = reply.warningCount, count > (reply.warnings?.count ?? 0) {
                print(l.tr("... and {more_warnings} more cells with formulas", a))
            }
            if !reply.extraColumns.isEmpty {
                print(l.tr("ignored columns: {columns}", a))
            }
            for problem in reply.problems { print("\(reply.fileName):\(problem.problem.description(l))") }
            if reply.problemCount > reply.problems.count {
                print(l.tr("... and {more} more problems", a))
            }
        }
        if reply.problemCount > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
    }
}

/// `yearctl export KIND`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a registry kind as CSV or as an Excel workbook (imports back unchanged).",
        discussion: """
            CSV goes to standard output unless --output names a file. --format xlsx writes a workbook with typed \
            cells (dates as dates, numbers as numbers, every other value as text, never a formula), the header in \
            bold and frozen, and columns as wide as their values; it goes to --output, or to standard output when that \
            is not a terminal. \(YeardAPI.help(for: YeardAPI.Registry.export))
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The kind (see 'yearctl import --help').") var kind: RegistryKind
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Flag(
        help: """
            Write fields exactly as stored. Without it a field that starts with =, +, - or @ (not a number) gets a \
            leading ' so that a spreadsheet shows it instead of running it as a formula; yearctl import drops it.
            """)
    var raw = false
    @Option(
        help: """
            The header's language: en (the column names, default) or ru (the Russian headers of schools' exports, \
            docs/formats.md); both import back unchanged.
            """)
    var headers: HeaderLanguage = .en
    @Option(help: "csv (default) or xlsx (an Excel workbook).") var format: FileFormat = .csv
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?

    /// The languages of an exported file's header.
    enum HeaderLanguage: String, ExpressibleByArgument, CaseIterable {
        case en, ru
    }

    /// The formats of an exported file.
    enum FileFormat: String, ExpressibleByArgument, CaseIterable {
        case csv, xlsx
    }

    func run() async throws {
        if format == .xlsx {
            try await exportWorkbook()
            return
        }
        let english = CSVWriter.line(kind.columns.map(\.name))
        let russian = CSVWriter.line(kind.columns.map { kind.russianHeaders[$0.name]?.first ?? $0.name })
        // A file named by --output is written beside it and renamed into place when whole: a refused or broken
        // export leaves the old file as it was.
        var file: FileHandle?
        let place = try output.map { try WorkbookTarget(output: $0, name: "", l: options.l) }
        defer { place?.discard() }
        if let place, let output {
            do {
                guard
                    FileManager.default.createFile(
                        atPath: place.temporary.path, contents: nil, attributes: [.posixPermissions: 0o644])
                else { throw CocoaError(.fileWriteNoPermission) }
                file = try FileHandle(forWritingTo: place.temporary)
            } catch {
                throw UsageError.file(output, .write, error, options.l)
            }
        }
        defer { try? file?.close() }
        try await Client(options: options).withSession { session in
            var after: String?
            repeat {
                let page = try await session.call(
                    YeardAPI.Registry.export,
                    ExportParameters(
                        kind: kind, school: options.school, year: year, after: after, limit: 5000, raw: raw ? true : nil
                    ))
                // The first page starts with the header line of the column names; --headers ru puts the Russian
                // headers in its place (the rows are the same).
                var csv = page.csv
                if after == nil && headers == .ru && csv.hasPrefix(english) {
                    csv = russian + csv.dropFirst(english.count)
                }
                if let file, let output {
                    do {
                        try file.write(contentsOf: Data(csv.utf8))
                    } catch {
                        throw UsageError.file(output, .write, error, options.l)
                    }
                } else {
                    do {
                        try writeContent(csv)
                    } catch {
                        // The reader went away (`yearctl export students | head`): nothing more to write.
                        return
                    }
                }
                after = page.next
            } while after != nil
        }
        if let place, let file {
            try? file.close()
            try place.commit()
        }
    }
}

/// `yearctl record KIND column=value ...`.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record one row of a kind: a final grade, a decision, a consent or its withdrawal.",
        discussion: """
            Example: yearctl record grades student_id=S1 subject_id=math period=year grade=5. \
            \(YeardAPI.help(for: YeardAPI.Registry.record))
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The kind (see docs/formats.md).") var kind: RegistryKind
    @Argument(help: "column=value pairs, by the kind's CSV column names.") var values: [String]
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?

    func run() async throws {
        var pairs: [String: String] = [:]
        for pair in values {
            guard let equals = pair.firstIndex(of: "=") else {
                throw UsageError(message: options.l.tr("'{pair}' is not column=value", ["pair": pair]))
            }
            pairs[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let reply = try await Client(options: options).call(
            YeardAPI.Registry.record, RecordParameters(kind: kind, school: options.school, year: year, values: pairs))
        let l = options.l
        Client(options: options).output(reply) { reply in
            print(
                reply.added == 1
                    ? l.tr("Recorded.")
                    : reply.changed == 1 ? l.tr("Changed.") : l.tr("Already recorded; nothing changed."))
        }
    }
}

/// `yearctl contact STUDENT GUARDIAN`.
struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact", abstract: "Change a guardian's phone or email (secretary, or the class teacher).",
        discussion: YeardAPI.help(for: YeardAPI.Registry.updateContact))

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The student's id.") var student: String
    @Argument(help: "The guardian's id.") var guardian: String
    @Option(help: "The new phone (\"\" clears it).") var phone: String?
    @Option(help: "The new email (\"\" clears it).") var email: String?

    func run() async throws {
        let reply = try await Client(options: options).call(
            YeardAPI.Registry.updateContact,
            UpdateContactParameters(
                school: options.school, studentId: student, guardianId: guardian, phone: phone, email: email))
        let l = options.l
        Client(options: options).output(reply) { reply in
            print(reply.changed ? l.tr("Changed.") : l.tr("Nothing to change."))
        }
    }
}
