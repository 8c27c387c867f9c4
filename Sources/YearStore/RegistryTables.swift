import Foundation
import GRDB
import YearCore

/// How a kind whose rows map one to one onto a table is stored: the table, whether it belongs to a year, the key
/// columns (optional key parts are stored as '' so that the key is unique), the value columns and the references
/// each row must satisfy. Imports, counts and exports of these kinds are generated from it.
struct TableSpec: Sendable {
    struct Column: Sendable {
        let file: String, stored: String
        var integer = false
    }

    struct Reference: Sendable {
        /// The file's column the problem is reported in.
        let column: String
        /// A condition on `r` (the imported row) that must hold when the column has a value.
        let condition: String
        /// The sentence, given the value.
        /// The problem's code when a row fails the condition (`ImportProblem.message` says it).
        let code: String
    }

    let table: String
    let yearScoped: Bool
    let keys: [Column]
    let values: [Column]
    let references: [Reference]

    static func spec(for kind: RegistryKind) -> TableSpec? {
        func c(_ file: String, _ stored: String? = nil, integer: Bool = false) -> Column {
            Column(file: file, stored: stored ?? file, integer: integer)
        }
        let student = Reference(
            column: "student_id",
            condition: "EXISTS (SELECT 1 FROM student s WHERE s.school_id = :school AND s.id = r.student_id)",
            code: "no-student")
        let subject = Reference(
            column: "subject_id",
            condition: "EXISTS (SELECT 1 FROM subject s WHERE s.school_id = :school AND s.id = r.subject_id)",
            code: "no-subject")
        let group = Reference(
            column: "class",
            condition: "EXISTS (SELECT 1 FROM school_class c WHERE c.year_id = :year AND c.name = r.\"class\")",
            code: "no-class")
        let teacher = Reference(
            column: "teacher_id",
            condition: "EXISTS (SELECT 1 FROM staff s WHERE s.school_id = :school AND s.id = r.teacher_id)",
            code: "no-staff")
        switch kind {
        case .guardians:
            return TableSpec(
                table: "guardian", yearScoped: false, keys: [c("guardian_id", "id"), c("student_id")],
                values: ["relation", "last_name", "first_name", "middle_name", "phone", "email"].map { c($0) },
                references: [student])
        case .consents:
            return TableSpec(
                table: "consent", yearScoped: false, keys: [c("person_kind"), c("person_id"), c("signed_on")],
                values: [c("signed_by"), c("form_version"), c("withdrawn_on")],
                references: [
                    Reference(
                        column: "person_id",
                        condition: """
                            CASE r.person_kind
                                WHEN 'student' THEN EXISTS (SELECT 1 FROM student s WHERE s.school_id = :school
                                    AND s.id = r.person_id)
                                WHEN 'guardian' THEN EXISTS (SELECT 1 FROM guardian g WHERE g.school_id = :school
                                    AND g.id = r.person_id)
                                ELSE EXISTS (SELECT 1 FROM staff s WHERE s.school_id = :school AND s.id = r.person_id)
                            END
                            """,
                        code: "no-person"),
                    Reference(
                        column: "withdrawn_on", condition: "r.withdrawn_on >= r.signed_on",
                        code: "withdrawn-before-signed"),
                ])
        case .applications:
            return TableSpec(
                table: "application", yearScoped: false, keys: [c("application_id", "id")],
                values: [
                    c("last_name"), c("first_name"), c("middle_name"), c("birth_date"), c("gender"),
                    c("grade", integer: true), c("status"), c("submitted_on"), c("guardian_name"),
                    c("guardian_phone"), c("guardian_email"), c("class", "class_name"), c("consent_on"),
                ],
                references: [
                    Reference(
                        column: "class", condition: "yeard_class_grade(r.\"class\") = CAST(r.grade AS INTEGER)",
                        code: "class-not-of-grade"),
                    Reference(
                        column: "consent_on", condition: "r.guardian_name IS NOT NULL",
                        code: "consent-needs-guardian"),
                    // The rollover makes a guardian record of it: surname, first name and (optionally) patronymic.
                    Reference(
                        column: "guardian_name", condition: "yeard_name_part(r.guardian_name, 2) IS NOT NULL",
                        code: "not-full-name"),
                ])
        case .curriculum:
            return TableSpec(
                table: "curriculum", yearScoped: true,
                keys: [c("grade", integer: true), c("profile"), c("subject_id")],
                values: [c("hours_per_week", integer: true), c("assessment")], references: [subject])
        case .assignments:
            return TableSpec(
                table: "assignment", yearScoped: true,
                keys: [c("class", "class_name"), c("subject_id"), c("group", "grp")],
                values: [c("teacher_id")], references: [group, subject, teacher])
        case .schedule:
            return TableSpec(
                table: "schedule_slot", yearScoped: true,
                keys: [
                    c("class", "class_name"), c("weekday", integer: true), c("period", integer: true),
                    c("group", "grp"),
                ],
                values: [c("subject_id"), c("teacher_id"), c("room")], references: [group, subject, teacher])
        case .grades:
            return TableSpec(
                table: "final_grade", yearScoped: true, keys: [c("student_id"), c("subject_id"), c("period")],
                values: [c("grade")],
                references: [
                    Reference(
                        column: "student_id",
                        condition: """
                            EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = :year AND e.school_id = :school
                                AND e.student_id = r.student_id)
                            """,
                        code: "not-enrolled"),
                    subject,
                    // How the subject is assessed in the student's grade (its curriculum row, the class's profile
                    // first): marks 2-5, or pass/fail; grade 1 is taught without marks.
                    Reference(
                        column: "grade",
                        condition: """
                            NOT EXISTS (SELECT 1 FROM enrollment e
                                JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                                WHERE e.year_id = :year AND e.school_id = :school AND e.student_id = r.student_id
                                    AND e.to_date IS NULL AND r.grade <> 'exempt'
                                    AND CASE WHEN c.grade = 1 THEN 1
                                        WHEN (SELECT cu.assessment FROM curriculum cu WHERE cu.year_id = e.year_id
                                            AND cu.grade = c.grade AND cu.subject_id = r.subject_id
                                            AND cu.profile IN ('', coalesce(c.profile, ''))
                                            ORDER BY cu.profile DESC LIMIT 1) = 'pass_fail'
                                        THEN r.grade NOT IN ('pass', 'fail')
                                        ELSE r.grade NOT IN ('2', '3', '4', '5') END)
                            """,
                        code: "assessment"),
                    // A period grade refers to a study period of the student's grade (yearctl import periods).
                    Reference(
                        column: "period",
                        condition: """
                            r.period IN ('year', 'exam', 'final') OR EXISTS (SELECT 1 FROM enrollment e
                                JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                                JOIN study_period p ON p.year_id = e.year_id AND p.grade = c.grade AND p.period = r.period
                                WHERE e.year_id = :year AND e.school_id = :school AND e.student_id = r.student_id)
                            """,
                        code: "not-a-period"),
                ])
        case .decisions:
            return TableSpec(
                table: "decision", yearScoped: true, keys: [c("student_id")],
                values: [
                    c("outcome"), c("debts"), c("deadline"), c("target_class"), c("order_no"), c("order_date"),
                    c("destination"), c("statement_on"),
                ],
                references: [
                    student,
                    Reference(
                        column: "debts",
                        condition: "r.outcome <> 'conditional' OR (r.debts IS NOT NULL AND r.deadline IS NOT NULL)",
                        code: "conditional-needs-debts"),
                    // Art. 58: the retakes fall within one year of the debt's appearing (the decision's date, else
                    // the year's last day).
                    Reference(
                        column: "deadline",
                        condition: """
                            r.outcome <> 'conditional' OR r.deadline BETWEEN coalesce(r.order_date,
                                (SELECT end_date FROM academic_year WHERE id = :year))
                                AND date(coalesce(r.order_date, (SELECT end_date FROM academic_year WHERE id = :year)),
                                    '+1 year')
                            """,
                        code: "deadline-too-late"),
                ])
        case .certificates:
            // The grade a student finished the year in: their latest enrollment of the year.
            let grade = """
                (SELECT c.grade FROM enrollment e JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
                    WHERE e.year_id = :year AND e.school_id = :school AND e.student_id = r.student_id
                    ORDER BY e.from_date DESC LIMIT 1)
                """
            return TableSpec(
                table: "certificate", yearScoped: true, keys: [c("student_id"), c("kind")],
                values: [c("number"), c("issued_on"), c("honours", integer: true)],
                references: [
                    student,
                    Reference(
                        column: "kind",
                        condition: """
                            CASE r.kind
                                WHEN 'basic' THEN \(grade) < (SELECT last_grade FROM school WHERE id = :school)
                                    AND \(grade) IN (SELECT value FROM school sc, json_each(sc.graduating_grades)
                                        WHERE sc.id = :school)
                                WHEN 'secondary' THEN \(grade) = (SELECT last_grade FROM school WHERE id = :school)
                                ELSE \(grade) IS NOT NULL END
                            """,
                        code: "certificate-grade"),
                    Reference(
                        column: "number",
                        condition: """
                            NOT EXISTS (SELECT 1 FROM certificate x WHERE x.school_id = :school AND x.kind = r.kind
                                AND x.number = r.number AND NOT (x.year_id = :year AND x.student_id = r.student_id))
                            AND NOT EXISTS (SELECT 1 FROM import_rows o WHERE o.kind = r.kind AND o.number = r.number
                                AND o.line <> r.line)
                            """,
                        code: "certificate-taken"),
                ])
        case .periods:
            let start = "(SELECT start_date FROM academic_year WHERE id = :year)"
            let last = """
                (SELECT max(end_date, coalesce((SELECT max(value) FROM json_each(grade_ends)), end_date))
                    FROM academic_year WHERE id = :year)
                """
            return TableSpec(
                table: "study_period", yearScoped: true, keys: [c("grade", integer: true), c("period")],
                values: [c("starts_on"), c("ends_on")],
                references: [
                    Reference(
                        column: "ends_on", condition: "r.ends_on >= r.starts_on",
                        code: "period-ends-before-start"),
                    Reference(
                        column: "starts_on", condition: "r.starts_on >= \(start)",
                        code: "period-before-year"),
                    Reference(
                        column: "ends_on", condition: "r.ends_on <= \(last)",
                        code: "period-after-year"),
                    // One grade's year is divided one way: quarters, trimesters or halves, not a mix.
                    Reference(
                        column: "period",
                        condition: """
                            NOT EXISTS (SELECT 1 FROM import_rows o WHERE CAST(o.grade AS INTEGER) = CAST(r.grade AS INTEGER)
                                AND substr(o.period, 1, 1) <> substr(r.period, 1, 1))
                            AND NOT EXISTS (SELECT 1 FROM study_period p WHERE p.year_id = :year
                                AND p.grade = CAST(r.grade AS INTEGER) AND substr(p.period, 1, 1) <> substr(r.period, 1, 1))
                            """,
                        code: "periods-mixed"),
                ])
        case .retakes:
            // A retake is of a debt carried into this year, for one of its subjects, by its deadline.
            let debt = """
                SELECT 1 FROM academic_debt d WHERE d.year_id = :year AND d.school_id = :school
                    AND d.student_id = r.student_id AND yeard_list_has(d.subjects, r.subject)
                """
            return TableSpec(
                table: "debt_retake", yearScoped: true,
                keys: [c("student_id"), c("subject"), c("attempt", integer: true)],
                values: [c("taken_on"), c("result")],
                references: [
                    student,
                    Reference(
                        column: "subject", condition: "EXISTS (\(debt))",
                        code: "no-debt"),
                    Reference(
                        column: "taken_on",
                        condition: "NOT EXISTS (\(debt)) OR EXISTS (\(debt) AND r.taken_on <= d.deadline)",
                        code: "retake-late"),
                ])
        default:
            return nil
        }
    }

    /// The scope columns stored before the keys, with their values.
    var scope: [(column: String, value: String)] {
        yearScoped ? [("year_id", ":year"), ("school_id", ":school")] : [("school_id", ":school")]
    }

    func value(_ column: Column, of row: String) -> String {
        column.integer ? "CAST(\(row).\"\(column.file)\" AS INTEGER)" : "\(row).\"\(column.file)\""
    }

    func key(_ column: Column, of row: String) -> String { "coalesce(\(value(column, of: row)), '')" }

    /// The condition matching a stored row `s` to an imported row `r`.
    var match: String {
        (scope.map { "s.\($0.column) = \($0.value)" } + keys.map { "s.\($0.stored) = \(key($0, of: "r"))" })
            .joined(separator: " AND ")
    }

    /// The SELECT list that writes a stored row in the kind's column order.
    func exportColumns(_ kind: RegistryKind) -> String {
        kind.columns.map { column in
            if let key = keys.first(where: { $0.file == column.name }) { return "NULLIF(\(key.stored), '')" }
            if let value = values.first(where: { $0.file == column.name }) { return value.stored }
            return "NULL"
        }.joined(separator: ", ")
    }
}

extension RegistryImport {
    /// The references of a table kind, checked set-based; for a teacher's grades, their own assignments too.
    func checkTable(_ spec: TableSpec) throws {
        for reference in spec.references {
            try report(
                reference.column, reference.code,
                """
                SELECT r.line, r."\(reference.column)" AS value FROM import_rows r
                WHERE r."\(reference.column)" IS NOT NULL AND NOT (\(reference.condition)) ORDER BY r.line
                """)
        }
        if kind == .grades, let teacher = request.teacher {
            try report(
                "subject_id", "not-your-assignment",
                """
                SELECT r.line, r.subject_id AS value FROM import_rows r
                WHERE NOT EXISTS (SELECT 1 FROM enrollment e JOIN assignment a ON a.year_id = e.year_id
                    AND a.class_name = e.class_name
                    WHERE e.year_id = :year AND e.school_id = :school AND e.student_id = r.student_id
                        AND a.subject_id = r.subject_id AND a.teacher_id = '\(teacher.replacingOccurrences(of: "'", with: "''"))')
                ORDER BY r.line
                """)
        }
    }

    func countTable(_ spec: TableSpec) throws -> (added: Int, changed: Int) {
        let added =
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM import_rows r WHERE NOT EXISTS (SELECT 1 FROM \(spec.table) s WHERE \(spec.match))",
                arguments: arguments) ?? 0
        let present = spec.values.filter { has($0.file) }
        guard !present.isEmpty else { return (added, 0) }
        let differs = present.map { "s.\($0.stored) IS NOT \(spec.value($0, of: "r"))" }.joined(separator: " OR ")
        let changed =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM import_rows r JOIN \(spec.table) s ON \(spec.match) WHERE \(differs)",
                arguments: arguments) ?? 0
        return (added, changed)
    }

    func applyTable(_ spec: TableSpec) throws {
        let present = spec.values.filter { has($0.file) }
        let columns = spec.scope.map(\.column) + spec.keys.map(\.stored) + present.map(\.stored)
        let selected =
            spec.scope.map(\.value) + spec.keys.map { spec.key($0, of: "r") } + present.map { spec.value($0, of: "r") }
        // A year's rows are keyed by the year (which belongs to one school), the others by the school.
        let conflict = ([spec.yearScoped ? "year_id" : "school_id"] + spec.keys.map(\.stored)).joined(separator: ", ")
        let upsert =
            present.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET " + present.map { "\($0.stored) = excluded.\($0.stored)" }.joined(separator: ", ")
                + " WHERE "
                + present.map { "\(spec.table).\($0.stored) IS NOT excluded.\($0.stored)" }.joined(
                    separator: " OR ")
        try db.execute(
            sql: """
                INSERT INTO \(spec.table) (\(columns.joined(separator: ", ")))
                SELECT \(selected.joined(separator: ", ")) FROM import_rows r WHERE true
                ON CONFLICT (\(conflict)) \(upsert)
                """, arguments: arguments)
    }
}
