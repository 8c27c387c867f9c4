import Foundation
import GRDB
import YearCore

/// Orders: the only way enrollments change. An orders file is applied set-based: the new orders of each student are
/// put in sequence (by effective date) with window functions, checked against the student's enrollment before them,
/// and turned into enrollment intervals [effective_on, next order's effective_on).
extension RegistryImport {
    static let arrivals = OrderKind.sqlList(OrderKind.arrivals)
    static let departures = OrderKind.sqlList(OrderKind.departures)
    /// Year-end continuations (promotion, retention, ...) are recorded, not applied: the rollover moves students
    /// into the next year.
    static let continuations = OrderKind.sqlList(OrderKind.continuations)

    private var orderArguments: StatementArguments { ["school": request.school, "year": request.year?.id] }

    /// Builds temp.order_seq: the file's orders not yet recorded, in sequence per student, with the enrollment state
    /// before each (from the previous new order, else from the database).
    func sequenceOrders() throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.order_seq")
        try db.execute(
            sql: """
                CREATE TEMP TABLE order_seq AS
                WITH new AS (
                    SELECT r.line, r.order_no, r.order_date, r.kind, r.student_id, r.class_from, r.class_to,
                        coalesce(r.effective_on, r.order_date) AS eff, r.basis, r.destination
                    FROM import_rows r
                    WHERE r.kind NOT IN \(Self.continuations) AND NOT EXISTS (SELECT 1 FROM school_order o
                        WHERE o.school_id = :school AND o.order_no = r.order_no AND o.student_id = r.student_id)
                ),
                seq AS (
                    SELECT new.*,
                        CASE WHEN kind IN \(Self.departures) THEN 0 ELSE 1 END AS after_state,
                        row_number() OVER w AS n,
                        lag(CASE WHEN kind IN \(Self.departures) THEN 0 ELSE 1 END) OVER w AS prev_state,
                        lag(class_to) OVER w AS prev_class,
                        lead(eff) OVER w AS next_eff,
                        lead(kind) OVER w AS next_kind,
                        lead(order_no) OVER w AS next_order
                    FROM new
                    -- Orders apply in date order; orders of the same day in the order of the file.
                    WINDOW w AS (PARTITION BY student_id ORDER BY eff, line)
                )
                SELECT seq.*, e.id AS open_id, e.class_name AS open_class, e.from_date AS open_from,
                    coalesce(seq.prev_state, e.id IS NOT NULL) AS before_state,
                    CASE WHEN seq.prev_state IS NULL THEN e.class_name WHEN seq.prev_state = 1 THEN seq.prev_class END
                        AS before_class
                FROM seq LEFT JOIN enrollment e ON e.year_id = :year AND e.school_id = :school
                    AND e.student_id = seq.student_id AND e.to_date IS NULL
                """, arguments: orderArguments)
    }

    func checkOrders() throws {
        try report(
            "student_id", "no-student",
            """
            SELECT line, student_id AS value FROM import_rows r
            WHERE NOT EXISTS (SELECT 1 FROM student s WHERE s.school_id = (:school) AND s.id = r.student_id)
            ORDER BY line
            """)
        for column in ["class_from", "class_to"] {
            try report(
                column, "no-class",
                """
                SELECT line, \(column) AS value FROM import_rows r WHERE \(column) IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM school_class c WHERE c.year_id = (:year) AND c.name = r.\(column))
                ORDER BY line
                """)
        }
        try report(
            "class_to", "order-needs-class",
            """
            SELECT line, kind AS order_kind FROM import_rows
            WHERE kind IN ('enrollment', 'transfer_in', 'class_change') AND class_to IS NULL ORDER BY line
            """)
        // A year's days run to its last grade's end; a grade with its own end (9 and 11, after the state exams)
        // takes orders until then, the others until the year's end.
        let lastDay = "(SELECT max(y.end_date, coalesce(max(value), y.end_date)) FROM json_each(y.grade_ends))"
        try report(
            "effective_on", "effective-outside-year",
            """
            SELECT r.line, coalesce(r.effective_on, r.order_date) AS "on" FROM import_rows r, academic_year y
            WHERE y.id = (:year) AND coalesce(r.effective_on, r.order_date) NOT BETWEEN y.start_date AND \(lastDay)
            ORDER BY r.line
            """, ["year": request.year?.label.description ?? ""])
        try report(
            "effective_on", "effective-after-grade-end",
            """
            SELECT r.line, coalesce(r.effective_on, r.order_date) AS "on", c.grade AS grade,
                coalesce(json_extract(y.grade_ends, '$."' || c.grade || '"'), y.end_date) AS last_day
            FROM import_rows r JOIN academic_year y ON y.id = (:year)
            LEFT JOIN enrollment e ON e.year_id = y.id AND e.school_id = (:school) AND e.student_id = r.student_id
                AND e.to_date IS NULL
            JOIN school_class c ON c.year_id = y.id AND c.name = coalesce(r.class_from, e.class_name, r.class_to)
            WHERE coalesce(r.effective_on, r.order_date) > y.end_date
                AND coalesce(r.effective_on, r.order_date) <= \(lastDay)
                AND coalesce(r.effective_on, r.order_date)
                    > coalesce(json_extract(y.grade_ends, '$."' || c.grade || '"'), y.end_date)
            ORDER BY r.line
            """)
        try report(
            "order_no", "order-recorded",
            """
            SELECT r.line, r.order_no AS value FROM import_rows r JOIN school_order o ON o.school_id = (:school)
                AND o.order_no = r.order_no AND o.student_id = r.student_id
            WHERE o.order_date IS NOT r.order_date OR o.kind IS NOT r.kind OR o.class_from IS NOT r.class_from
                OR o.class_to IS NOT r.class_to OR o.effective_on IS NOT coalesce(r.effective_on, r.order_date)
                OR o.basis IS NOT r.basis OR o.destination IS NOT r.destination
            ORDER BY r.line
            """)
        guard problemCount == 0 else { return }
        try sequenceOrders()
        try report(
            "kind", "already-enrolled",
            """
            SELECT line, coalesce(before_class, '') AS value FROM order_seq
            WHERE before_state = 1 AND kind IN \(Self.arrivals) ORDER BY line
            """)
        try report(
            "kind", "not-enrolled-at",
            """
            SELECT line, kind AS order_kind FROM order_seq WHERE before_state = 0 AND kind NOT IN \(Self.arrivals)
            ORDER BY line
            """)
        try report(
            "class_from", "class-from-differs",
            """
            SELECT line, before_class AS current, class_from AS file_class FROM order_seq
            WHERE class_from IS NOT NULL AND before_state = 1 AND class_from IS NOT before_class ORDER BY line
            """)
        try report(
            "class_to", "same-class",
            """
            SELECT line, class_to AS value FROM order_seq
            WHERE kind = 'class_change' AND before_state = 1 AND class_to IS before_class ORDER BY line
            """)
        try report(
            "effective_on", "before-movement",
            """
            SELECT s.line, s.eff AS "on" FROM order_seq s
            WHERE (s.n = 1 AND s.open_from IS NOT NULL AND s.eff < s.open_from)
                OR EXISTS (SELECT 1 FROM school_order o WHERE o.school_id = (:school) AND o.student_id = s.student_id
                    AND o.year_id = (:year) AND o.effective_on > s.eff AND o.kind NOT IN \(Self.continuations))
            ORDER BY s.line
            """)
    }

    func countOrders() throws -> (added: Int, changed: Int) {
        let added =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM import_rows r WHERE NOT EXISTS (SELECT 1 FROM school_order o
                        WHERE o.school_id = :school AND o.order_no = r.order_no AND o.student_id = r.student_id)
                    """, arguments: orderArguments) ?? 0
        return (added, 0)
    }

    func applyOrders() throws {
        try db.execute(
            sql: """
                INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_from,
                    class_to, effective_on, basis, destination)
                SELECT :school, r.order_no, r.student_id, :year, r.order_date, r.kind, r.class_from, r.class_to,
                    coalesce(r.effective_on, r.order_date), r.basis, r.destination
                FROM import_rows r WHERE NOT EXISTS (SELECT 1 FROM school_order o
                    WHERE o.school_id = :school AND o.order_no = r.order_no AND o.student_id = r.student_id)
                ORDER BY r.line
                """, arguments: orderArguments)
        // The enrollment open before a student's first new order ends where a departure or class change begins.
        try db.execute(
            sql: """
                UPDATE enrollment SET to_date = s.eff, closed_by = s.kind, closing_order_no = s.order_no
                FROM order_seq s
                WHERE s.n = 1 AND s.open_id = enrollment.id AND s.kind NOT IN \(Self.arrivals)
                """)
        // Every arrival and class change opens an interval that the student's next new order (if any) closes.
        try db.execute(
            sql: """
                INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, to_date, order_no,
                    opened_by, closed_by, closing_order_no, basis)
                SELECT :year, :school, s.student_id, s.class_to, s.eff, s.next_eff, s.order_no, s.kind, s.next_kind,
                    s.next_order, 'order ' || s.order_no || ' of ' || s.order_date
                FROM order_seq s WHERE s.kind NOT IN \(Self.departures)
                """, arguments: orderArguments)
        try db.execute(sql: "DROP TABLE IF EXISTS temp.order_seq")
    }
}
