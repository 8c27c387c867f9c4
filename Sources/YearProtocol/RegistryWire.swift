import YearCore

/// A problem of an imported file, as the wire carries it (`io.yeard.Registry.Problem`).
public struct ProblemInfo: Codable, Sendable, Equatable {
    /// Where (1-based line and column; column 0 for the whole row or file), the column's name, and what.
    public var line: Int, column: Int, field: String?, message: String
    /// What the sentence is made of, for a client to say it in its language (absent: English only).
    public var params: [String: String]?
    /// The sheet of a workbook the problem is on (absent for a CSV file).
    public var sheet: String?

    /// The wire form of a problem.
    public init(_ problem: ImportProblem) {
        sheet = problem.sheet
        line = problem.line
        column = problem.column
        field = problem.field
        message = problem.message
        params = problem.params
    }

    /// The problem, to be said in a client's language.
    public var problem: ImportProblem {
        ImportProblem(line: line, column: column, field: field, message: message, params: params, sheet: sheet)
    }

    /// The JSON value of a problem, for error parameters.
    static func json(_ problem: ImportProblem) -> JSONValue {
        var object: [String: JSONValue] = [
            "line": .int(Int64(problem.line)), "column": .int(Int64(problem.column)),
            "field": problem.field.map(JSONValue.string) ?? .null, "message": .string(problem.message),
        ]
        if let params = problem.params { object["params"] = .object(params.mapValues(JSONValue.string)) }
        if let sheet = problem.sheet { object["sheet"] = .string(sheet) }
        return .object(object)
    }
}

/// `io.yeard.Registry.Upload`.
public struct UploadParameters: MethodParameters {
    /// The upload to append to (omitted: start one) and the next part of the file, base64.
    public var upload: String?, data: String
    /// Parameters with every field given.
    public init(upload: String?, data: String) {
        self.upload = upload
        self.data = data
    }
}

/// `io.yeard.Registry.Upload` reply.
public struct UploadReply: Codable, Sendable {
    /// The upload's id and its size so far.
    public var upload: String, bytes: Int64
    /// A reply with every field given.
    public init(upload: String, bytes: Int64) {
        self.upload = upload
        self.bytes = bytes
    }
}

/// `io.yeard.Registry.Import`.
public struct ImportParameters: MethodParameters {
    /// The kind, the upload holding the file, the school and year, the file's name and SHA-256, and whether to
    /// only check.
    public var kind: RegistryKind, upload: String, school: String?, year: String?, fileName: String,
        sha256: String?, dryRun: Bool?
    /// The day whose state the file is compared with (YYYY-MM-DD or DD.MM.YYYY; default: today).
    public var asOf: String?
    /// The file's encoding (default: found from its bytes).
    public var encoding: TextEncoding?
    /// The sheet to read when the file is a workbook (default: the first).
    public var sheet: String?
    /// Parameters with every field given.
    public init(
        kind: RegistryKind, upload: String, school: String?, year: String?, fileName: String, sha256: String?,
        dryRun: Bool?, asOf: String? = nil, encoding: TextEncoding? = nil, sheet: String? = nil
    ) {
        self.sheet = sheet
        self.encoding = encoding
        self.asOf = asOf
        self.kind = kind
        self.upload = upload
        self.school = school
        self.year = year
        self.fileName = fileName
        self.sha256 = sha256
        self.dryRun = dryRun
    }
}

/// `io.yeard.Registry.Import` reply.
public struct ImportReply: Codable, Sendable {
    /// The kind, the file and its SHA-256, the year (label) it went into.
    public var kind: RegistryKind, fileName: String, sha256: String, year: String?
    /// Rows read, added, changed and left unchanged (would be, on a dry run).
    public var rows: Int, added: Int, changed: Int, unchanged: Int
    /// Whether it was a dry run and whether anything was written.
    public var dryRun: Bool, applied: Bool
    /// Problems (the first 100) and their total; columns of the file that the kind does not know (ignored).
    public var problems: [ProblemInfo], problemCount: Int, extraColumns: [String]
    /// The encoding the file was read in (absent for rows given in the call, or a workbook).
    public var encoding: TextEncoding?
    /// The sheet a workbook was read from (absent for a CSV file).
    public var sheet: String?
    /// What was read but is said aside (a formula's value): the first 100 and their count (absent: none).
    public var warnings: [ProblemInfo]?, warningCount: Int?

    /// The wire form of an import's outcome.
    public init(_ outcome: ImportOutcomeView, year: String?) {
        sheet = outcome.sheet
        warnings = outcome.warningCount > 0 ? outcome.warnings.map(ProblemInfo.init) : nil
        warningCount = outcome.warningCount > 0 ? outcome.warningCount : nil
        kind = outcome.kind
        fileName = outcome.fileName
        sha256 = outcome.sha256
        self.year = year
        rows = outcome.rows
        added = outcome.added
        changed = outcome.changed
        unchanged = outcome.unchanged
        dryRun = outcome.dryRun
        applied = outcome.applied
        problems = outcome.problems.map(ProblemInfo.init)
        problemCount = outcome.problemCount
        extraColumns = outcome.extraColumns
        encoding = outcome.encoding
    }
}

/// The fields of an import's outcome the wire needs (the store's type, seen from the protocol module).
public struct ImportOutcomeView: Sendable {
    /// Fields as in `ImportReply`.
    public var kind: RegistryKind, fileName: String, sha256: String, rows: Int, added: Int, changed: Int,
        unchanged: Int,
        dryRun: Bool, applied: Bool, problems: [ImportProblem], problemCount: Int, extraColumns: [String]
    /// The encoding a file was read in (nil for rows that came in the call, or a workbook).
    public var encoding: TextEncoding?
    /// The sheet a workbook was read from; what was said aside (first 100) and how much.
    public var sheet: String?, warnings: [ImportProblem], warningCount: Int

    /// A view with every field given.
    public init(
        kind: RegistryKind, fileName: String, sha256: String, rows: Int, added: Int, changed: Int, unchanged: Int,
        dryRun: Bool, applied: Bool, problems: [ImportProblem], problemCount: Int, extraColumns: [String],
        encoding: TextEncoding? = nil, sheet: String? = nil, warnings: [ImportProblem] = [], warningCount: Int = 0
    ) {
        self.sheet = sheet
        self.warnings = warnings
        self.warningCount = warningCount
        self.encoding = encoding
        self.kind = kind
        self.fileName = fileName
        self.sha256 = sha256
        self.rows = rows
        self.added = added
        self.changed = changed
        self.unchanged = unchanged
        self.dryRun = dryRun
        self.applied = applied
        self.problems = problems
        self.problemCount = problemCount
        self.extraColumns = extraColumns
    }
}

/// `io.yeard.Registry.Export`.
public struct ExportParameters: MethodParameters {
    /// The kind, the school and year, and the page: at most `limit` rows after the cursor `after`.
    public var kind: RegistryKind, school: String?, year: String?, after: String?, limit: Int?
    /// Whether fields are written as stored, without the `'` before formula-like fields.
    public var raw: Bool?
    /// Parameters with every field given.
    public init(kind: RegistryKind, school: String?, year: String?, after: String?, limit: Int?, raw: Bool? = nil) {
        self.raw = raw
        self.kind = kind
        self.school = school
        self.year = year
        self.after = after
        self.limit = limit
    }
}

/// `io.yeard.Registry.Export` reply.
public struct ExportReply: Codable, Sendable {
    /// CSV lines (the header on the first page) and the cursor of the next page, if there is one.
    public var csv: String, next: String?
    /// A reply with every field given.
    public init(csv: String, next: String?) {
        self.csv = csv
        self.next = next
    }
}

/// `io.yeard.Registry.Movement`.
public struct MovementParameters: MethodParameters {
    /// The school and year, the period (both days included, YYYY-MM-DD or DD.MM.YYYY) and, optionally, one class.
    public var school: String?, year: String?, from: String, to: String, `class`: String?
    /// Parameters with every field given.
    public init(school: String?, year: String?, from: String, to: String, class: String?) {
        self.school = school
        self.year = year
        self.from = from
        self.to = to
        self.class = `class`
    }
}

/// One line of the movement book on the wire (`io.yeard.Registry.Movement` type `Movement`).
public struct MovementInfo: Codable, Sendable, Equatable {
    /// The class and its year's label (both absent for the whole school), the counts, and the orders behind the
    /// movement.
    public var `class`: String?, year: String?, start: Int, arrived: Int, left: Int, end: Int, orders: [String]
    /// A line with every field given.
    public init(class: String?, year: String?, start: Int, arrived: Int, left: Int, end: Int, orders: [String]) {
        self.class = `class`
        self.year = year
        self.start = start
        self.arrived = arrived
        self.left = left
        self.end = end
        self.orders = orders
    }
}

/// `io.yeard.Registry.Movement` reply.
public struct MovementReply: Codable, Sendable {
    /// The school, the labels of the years shown (`2026/2027, 2027/2028` for a period across a rollover), the
    /// period, each class's line and the school's.
    public var school: String, year: String, from: String, to: String, classes: [MovementInfo], total: MovementInfo
    /// A reply with every field given.
    public init(
        school: String, year: String, from: String, to: String, classes: [MovementInfo], total: MovementInfo
    ) {
        self.school = school
        self.year = year
        self.from = from
        self.to = to
        self.classes = classes
        self.total = total
    }
}

/// `io.yeard.Registry.IssueOrder`: one order for one student, the everyday way to enroll, withdraw, transfer or
/// move a student between classes.
public struct IssueOrderParameters: MethodParameters {
    /// The school and year, and the order's fields as in an orders file.
    public var school: String?, year: String?, orderNo: String, orderDate: String, kind: OrderKind, studentId: String,
        classFrom: String?, classTo: String?, effectiveOn: String?, basis: String?, destination: String?
    /// Parameters with every field given.
    public init(
        school: String?, year: String?, orderNo: String, orderDate: String, kind: OrderKind, studentId: String,
        classFrom: String?, classTo: String?, effectiveOn: String?, basis: String?, destination: String?
    ) {
        self.school = school
        self.year = year
        self.orderNo = orderNo
        self.orderDate = orderDate
        self.kind = kind
        self.studentId = studentId
        self.classFrom = classFrom
        self.classTo = classTo
        self.effectiveOn = effectiveOn
        self.basis = basis
        self.destination = destination
    }
}

/// `io.yeard.Registry.Record`: one row of any kind, the everyday way to record a grade, a decision or a consent.
public struct RecordParameters: MethodParameters {
    /// The kind, the school and year, and the row's values by column name (as in the kind's CSV).
    public var kind: RegistryKind, school: String?, year: String?, values: [String: String]
    /// Parameters with every field given.
    public init(kind: RegistryKind, school: String?, year: String?, values: [String: String]) {
        self.kind = kind
        self.school = school
        self.year = year
        self.values = values
    }
}

/// `io.yeard.Registry.UpdateContact`: a class teacher's change of a guardian's phone or email.
public struct UpdateContactParameters: MethodParameters {
    /// The school, the student, the guardian, and the new phone and email (an empty string clears one).
    public var school: String?, studentId: String, guardianId: String, phone: String?, email: String?
    /// Parameters with every field given.
    public init(school: String?, studentId: String, guardianId: String, phone: String?, email: String?) {
        self.school = school
        self.studentId = studentId
        self.guardianId = guardianId
        self.phone = phone
        self.email = email
    }
}

/// `io.yeard.Registry.UpdateContact` reply.
public struct UpdateContactReply: Codable, Sendable {
    /// Whether anything changed.
    public var changed: Bool
    /// A reply with every field given.
    public init(changed: Bool) { self.changed = changed }
}
