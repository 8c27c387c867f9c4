import GRDB

/// The schema, as named migrations in plain SQL. A landed migration is never edited: add a new one.
///
/// The schema carries the invariants itself: a school has at most one active year (partial unique index), a closed
/// year cannot change (trigger), a request is decided once and never approved by its requester (trigger, CHECK),
/// the audit log is append-only (triggers).
enum Migrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-schools-years-requests-audit", migrate: schoolsYearsRequestsAudit)
        migrator.registerMigration(
            "2026-11-29-registry-people-classes-enrollments", migrate: registryPeopleClassesEnrollments)
        migrator.registerMigration("2026-11-29-student-birth-date-optional", migrate: studentBirthDateOptional)
        migrator.registerMigration("2026-11-29-check-runs", migrate: checkRuns)
        migrator.registerMigration("2026-11-29-rollovers", migrate: rollovers)
        migrator.registerMigration("2026-12-04-year-end-orders", migrate: yearEndOrders)
        migrator.registerMigration("2026-12-07-finding-parameters", migrate: findingParameters)
        return migrator
    }

    /// The migration `2026-11-29-schools-years-requests-audit`, as it landed.
    static func schoolsYearsRequestsAudit(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE school (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    name TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    first_grade INTEGER NOT NULL CHECK (first_grade BETWEEN 0 AND 12),
                    last_grade INTEGER NOT NULL CHECK (last_grade BETWEEN first_grade AND 12),
                    graduating_grades TEXT NOT NULL CHECK (json_valid(graduating_grades)),
                    default_start TEXT NOT NULL,
                    default_end TEXT NOT NULL,
                    start_skips_sunday INTEGER NOT NULL CHECK (start_skips_sunday IN (0, 1)),
                    configured INTEGER NOT NULL DEFAULT 1 CHECK (configured IN (0, 1))
                ) STRICT;

                CREATE TABLE academic_year (
                    id INTEGER PRIMARY KEY,
                    school_id TEXT NOT NULL REFERENCES school(id),
                    label TEXT NOT NULL CHECK (label GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9][0-9][0-9]'),
                    start_date TEXT NOT NULL CHECK (date(start_date) IS start_date),
                    end_date TEXT NOT NULL CHECK (date(end_date) IS end_date AND end_date > start_date),
                    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'closing', 'closed')),
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (school_id, label)
                ) STRICT;
                CREATE UNIQUE INDEX academic_year_one_active_per_school
                    ON academic_year(school_id) WHERE state IN ('in_progress', 'closing');
                CREATE TRIGGER academic_year_closed_is_read_only
                    BEFORE UPDATE ON academic_year WHEN OLD.state = 'closed'
                    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;
                CREATE TRIGGER academic_year_closed_is_kept
                    BEFORE DELETE ON academic_year WHEN OLD.state = 'closed'
                    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;
                CREATE TRIGGER academic_year_version_moves
                    BEFORE UPDATE ON academic_year WHEN NEW.version <= OLD.version
                    BEGIN SELECT RAISE(ABORT, 'every change to a year must increment its version'); END;

                CREATE TABLE approval_request (
                    id INTEGER PRIMARY KEY,
                    school_id TEXT NOT NULL REFERENCES school(id),
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    event TEXT NOT NULL,
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    payload_hash TEXT NOT NULL CHECK (length(payload_hash) = 64),
                    year_version INTEGER NOT NULL,
                    requester_uid INTEGER NOT NULL,
                    requester_name TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
                    status TEXT NOT NULL
                        CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired')),
                    decider_uid INTEGER,
                    decider_name TEXT,
                    decided_at TEXT,
                    decision_reason TEXT,
                    CHECK ((status = 'pending') = (decided_at IS NULL)),
                    CHECK (status NOT IN ('approved', 'rejected') OR decider_uid IS NOT requester_uid)
                ) STRICT;
                CREATE UNIQUE INDEX approval_request_one_pending_per_year
                    ON approval_request(year_id) WHERE status = 'pending';
                CREATE INDEX approval_request_by_school ON approval_request(school_id, status);
                CREATE TRIGGER approval_request_decided_once
                    BEFORE UPDATE ON approval_request WHEN OLD.status <> 'pending'
                    BEGIN SELECT RAISE(ABORT, 'the request was already decided'); END;
                CREATE TRIGGER approval_request_payload_is_fixed
                    BEFORE UPDATE OF payload, payload_hash, year_version, requester_uid ON approval_request
                    BEGIN SELECT RAISE(ABORT, 'a request is bound to what was requested'); END;

                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    uid INTEGER NOT NULL,
                    user_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    school_id TEXT,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
                    hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
                );
                CREATE INDEX audit_log_by_school ON audit_log(school_id, seq);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
    }

    /// The migration `2026-11-29-registry-people-classes-enrollments`, as it landed.
    static func registryPeopleClassesEnrollments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE student (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    last_name TEXT NOT NULL CHECK (last_name <> ''),
                    first_name TEXT NOT NULL CHECK (first_name <> ''),
                    middle_name TEXT,
                    birth_date TEXT NOT NULL CHECK (date(birth_date) IS birth_date),
                    gender TEXT NOT NULL CHECK (gender IN ('M', 'F')),
                    personal_file_no TEXT,
                    snils TEXT CHECK (snils IS NULL OR (length(snils) = 11 AND snils NOT GLOB '*[^0-9]*')),
                    enrolled_on TEXT CHECK (enrolled_on IS NULL OR date(enrolled_on) IS enrolled_on),
                    PRIMARY KEY (school_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX student_personal_file
                    ON student(school_id, personal_file_no) WHERE personal_file_no IS NOT NULL;

                CREATE TABLE staff (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    last_name TEXT NOT NULL CHECK (last_name <> ''),
                    first_name TEXT NOT NULL CHECK (first_name <> ''),
                    middle_name TEXT,
                    position TEXT,
                    login TEXT,
                    PRIMARY KEY (school_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX staff_login ON staff(school_id, login) WHERE login IS NOT NULL;

                CREATE TABLE subject (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    name TEXT NOT NULL CHECK (name <> ''),
                    PRIMARY KEY (school_id, id)
                ) STRICT;

                CREATE TABLE school_class (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL REFERENCES school(id),
                    name TEXT NOT NULL,
                    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
                    letter TEXT NOT NULL CHECK (length(letter) = 1),
                    profile TEXT,
                    class_type TEXT,
                    class_teacher_id TEXT,
                    capacity INTEGER CHECK (capacity IS NULL OR capacity BETWEEN 1 AND 100),
                    PRIMARY KEY (year_id, name),
                    CHECK (name = grade || letter),
                    FOREIGN KEY (school_id, class_teacher_id) REFERENCES staff(school_id, id)
                ) STRICT;

                CREATE TABLE enrollment (
                    id INTEGER PRIMARY KEY,
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    class_name TEXT NOT NULL,
                    from_date TEXT NOT NULL CHECK (date(from_date) IS from_date),
                    to_date TEXT CHECK (to_date IS NULL OR (date(to_date) IS to_date AND to_date >= from_date)),
                    order_no TEXT,
                    opened_by TEXT NOT NULL CHECK (opened_by IN ('import', 'enrollment', 'transfer_in', 'class_change')),
                    closed_by TEXT CHECK (closed_by IN ('withdrawal', 'transfer_out', 'graduation', 'class_change')),
                    closing_order_no TEXT,
                    basis TEXT NOT NULL CHECK (basis <> ''),
                    CHECK ((to_date IS NULL) = (closed_by IS NULL)),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name)
                ) STRICT;
                CREATE UNIQUE INDEX enrollment_one_open_per_student
                    ON enrollment(year_id, school_id, student_id) WHERE to_date IS NULL;
                CREATE INDEX enrollment_by_class ON enrollment(year_id, class_name);

                CREATE TABLE school_order (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    order_no TEXT NOT NULL CHECK (length(order_no) BETWEEN 1 AND 64),
                    student_id TEXT NOT NULL,
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    order_date TEXT NOT NULL CHECK (date(order_date) IS order_date),
                    kind TEXT NOT NULL CHECK (kind IN ('enrollment', 'withdrawal', 'transfer_in', 'transfer_out',
                        'class_change', 'promotion', 'graduation')),
                    class_from TEXT,
                    class_to TEXT,
                    effective_on TEXT NOT NULL CHECK (date(effective_on) IS effective_on),
                    basis TEXT,
                    destination TEXT,
                    PRIMARY KEY (school_id, order_no, student_id),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    CHECK (kind NOT IN ('enrollment', 'transfer_in', 'class_change') OR class_to IS NOT NULL)
                ) STRICT;
                CREATE INDEX school_order_by_year ON school_order(year_id, effective_on);
                CREATE INDEX enrollment_by_student ON enrollment(school_id, student_id, from_date);

                CREATE TABLE guardian (
                    school_id TEXT NOT NULL,
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    student_id TEXT NOT NULL,
                    relation TEXT,
                    last_name TEXT NOT NULL CHECK (last_name <> ''),
                    first_name TEXT NOT NULL CHECK (first_name <> ''),
                    middle_name TEXT,
                    phone TEXT,
                    email TEXT,
                    PRIMARY KEY (school_id, id, student_id),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id)
                ) STRICT;

                CREATE TABLE consent (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    person_kind TEXT NOT NULL CHECK (person_kind IN ('student', 'guardian', 'staff')),
                    person_id TEXT NOT NULL,
                    signed_on TEXT NOT NULL CHECK (date(signed_on) IS signed_on),
                    signed_by TEXT,
                    form_version TEXT,
                    withdrawn_on TEXT CHECK (withdrawn_on IS NULL OR withdrawn_on >= signed_on),
                    PRIMARY KEY (school_id, person_kind, person_id, signed_on)
                ) STRICT;

                CREATE TABLE application (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    last_name TEXT NOT NULL,
                    first_name TEXT NOT NULL,
                    middle_name TEXT,
                    birth_date TEXT,
                    gender TEXT CHECK (gender IS NULL OR gender IN ('M', 'F')),
                    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
                    status TEXT NOT NULL
                        CHECK (status IN ('submitted', 'accepted', 'enrolled', 'rejected', 'withdrawn')),
                    submitted_on TEXT,
                    guardian_name TEXT,
                    guardian_phone TEXT,
                    guardian_email TEXT,
                    PRIMARY KEY (school_id, id)
                ) STRICT;

                CREATE TABLE curriculum (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
                    profile TEXT NOT NULL DEFAULT '',
                    subject_id TEXT NOT NULL,
                    hours_per_week INTEGER NOT NULL CHECK (hours_per_week BETWEEN 0 AND 40),
                    assessment TEXT CHECK (assessment IS NULL OR assessment IN ('graded', 'pass_fail')),
                    PRIMARY KEY (year_id, grade, profile, subject_id),
                    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id)
                ) STRICT;

                CREATE TABLE assignment (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    class_name TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    grp TEXT NOT NULL DEFAULT '',
                    teacher_id TEXT NOT NULL,
                    PRIMARY KEY (year_id, class_name, subject_id, grp),
                    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name),
                    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id),
                    FOREIGN KEY (school_id, teacher_id) REFERENCES staff(school_id, id)
                ) STRICT;

                CREATE TABLE schedule_slot (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    class_name TEXT NOT NULL,
                    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
                    period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 12),
                    grp TEXT NOT NULL DEFAULT '',
                    subject_id TEXT NOT NULL,
                    teacher_id TEXT,
                    room TEXT,
                    PRIMARY KEY (year_id, class_name, weekday, period, grp),
                    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name),
                    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id),
                    FOREIGN KEY (school_id, teacher_id) REFERENCES staff(school_id, id)
                ) STRICT;

                CREATE TABLE final_grade (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    period TEXT NOT NULL
                        CHECK (period IN ('q1', 'q2', 'q3', 'q4', 'h1', 'h2', 'year', 'exam', 'final')),
                    grade TEXT NOT NULL CHECK (grade IN ('2', '3', '4', '5', 'pass', 'fail', 'exempt')),
                    PRIMARY KEY (year_id, student_id, subject_id, period),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id)
                ) STRICT;

                CREATE TABLE decision (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('promoted', 'conditional', 'retained', 'adapted',
                        'graduated', 'left', 'transferred')),
                    debts TEXT,
                    deadline TEXT CHECK (deadline IS NULL OR date(deadline) IS deadline),
                    target_class TEXT,
                    order_no TEXT,
                    order_date TEXT,
                    PRIMARY KEY (year_id, student_id),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    CHECK (outcome <> 'conditional' OR (debts IS NOT NULL AND deadline IS NOT NULL))
                ) STRICT;

                CREATE TRIGGER school_class_school_is_the_years
                    BEFORE INSERT ON school_class
                    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
                    BEGIN SELECT RAISE(ABORT, 'a class belongs to its year''s school'); END;
                CREATE TRIGGER enrollment_intervals_do_not_overlap
                    BEFORE INSERT ON enrollment
                    WHEN EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = NEW.year_id
                        AND e.school_id = NEW.school_id AND e.student_id = NEW.student_id
                        AND e.from_date < coalesce(NEW.to_date, '9999-12-31')
                        AND coalesce(e.to_date, '9999-12-31') > NEW.from_date)
                    BEGIN SELECT RAISE(ABORT, 'a student is in one class at a time: the enrollments overlap'); END;
                CREATE TRIGGER enrollment_school_is_the_years
                    BEFORE INSERT ON enrollment
                    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
                    BEGIN SELECT RAISE(ABORT, 'an enrollment belongs to its year''s school'); END;
                """)
        // The data of a closed year are read-only, whoever writes: refused by the database itself.
        let closed = { (row: String) in "(SELECT state FROM academic_year WHERE id = \(row).year_id) = 'closed'" }
        for table in [
            "school_class", "enrollment", "school_order", "curriculum", "assignment", "schedule_slot",
            "final_grade", "decision",
        ] {
            for (event, condition) in [
                ("INSERT", closed("NEW")), ("UPDATE", closed("OLD") + " OR " + closed("NEW")),
                ("DELETE", closed("OLD")),
            ] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_closed_year_\(event.lowercased())
                            BEFORE \(event) ON \(table) WHEN \(condition)
                            BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END
                        """)
            }
        }
    }

    /// The migration `2026-11-29-student-birth-date-optional`, as it landed.
    static func studentBirthDateOptional(_ db: Database) throws {
        // A real export may lack a birth date: the row loads and `student.birth-date-missing` reports it, rather
        // than the whole file being refused. SQLite cannot drop NOT NULL in place, so the table is rebuilt (the
        // migrator defers foreign-key checks to the end of the migration), and rebuilt WITHOUT ROWID: every
        // reference to a student is by (school, id), so the rows are kept in that order and a lookup is one
        // B-tree descent instead of two.
        try db.execute(
            sql: """
                CREATE TABLE student_new (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    last_name TEXT NOT NULL CHECK (last_name <> ''),
                    first_name TEXT NOT NULL CHECK (first_name <> ''),
                    middle_name TEXT,
                    birth_date TEXT CHECK (birth_date IS NULL OR date(birth_date) IS birth_date),
                    gender TEXT NOT NULL CHECK (gender IN ('M', 'F')),
                    personal_file_no TEXT,
                    snils TEXT CHECK (snils IS NULL OR (length(snils) = 11 AND snils NOT GLOB '*[^0-9]*')),
                    enrolled_on TEXT CHECK (enrolled_on IS NULL OR date(enrolled_on) IS enrolled_on),
                    PRIMARY KEY (school_id, id)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO student_new SELECT school_id, id, last_name, first_name, middle_name, birth_date, gender,
                    personal_file_no, snils, enrolled_on FROM student;
                DROP TABLE student;
                ALTER TABLE student_new RENAME TO student;
                CREATE UNIQUE INDEX student_personal_file
                    ON student(school_id, personal_file_no) WHERE personal_file_no IS NOT NULL;
                CREATE INDEX student_by_snils ON student(snils);
                """)
    }

    /// The migration `2026-11-29-check-runs`, as it landed.
    static func checkRuns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE check_run (
                    id INTEGER PRIMARY KEY,
                    school_id TEXT NOT NULL REFERENCES school(id),
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    cause TEXT NOT NULL CHECK (cause IN ('manual', 'schedule', 'readiness', 'approval')),
                    checks TEXT NOT NULL CHECK (json_valid(checks)),
                    errors INTEGER NOT NULL CHECK (errors >= 0),
                    warnings INTEGER NOT NULL CHECK (warnings >= 0),
                    uid INTEGER
                ) STRICT;
                CREATE INDEX check_run_by_school ON check_run(school_id, id);
                CREATE TABLE check_finding (
                    run_id INTEGER NOT NULL REFERENCES check_run(id) ON DELETE CASCADE,
                    check_id TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
                    entity_kind TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    class_name TEXT,
                    message TEXT NOT NULL
                ) STRICT;
                CREATE INDEX check_finding_by_run ON check_finding(run_id, check_id, entity_id);
                -- What the checks look up by student: a student's guardians and consents.
                CREATE INDEX guardian_by_student ON guardian(school_id, student_id);
                """)
    }

    /// The migration `2026-11-29-rollovers`, as it landed.
    static func rollovers(_ db: Database) throws {
        // The rollover: its record, the class overrides stored with the plan, the debts conditional promotions
        // carry into the new year, and a lineage tag (`rollover_id`) on every row a rollover creates, so that an
        // undo deletes exactly those rows. `enrollment` is rebuilt because its CHECK on `opened_by` must admit
        // 'promotion' (SQLite cannot alter a CHECK); it also gains `closing_rollover_id` for the old year's
        // enrollments a rollover closes (graduates, leavers).
        try db.execute(
            sql: """
                CREATE TABLE rollover (
                    id INTEGER PRIMARY KEY,
                    school_id TEXT NOT NULL REFERENCES school(id),
                    from_year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    to_year_id INTEGER,
                    to_year_label TEXT NOT NULL,
                    created_year INTEGER NOT NULL CHECK (created_year IN (0, 1)),
                    request_id INTEGER NOT NULL UNIQUE REFERENCES approval_request(id),
                    plan_hash TEXT NOT NULL CHECK (length(plan_hash) = 64),
                    summary TEXT NOT NULL CHECK (json_valid(summary)),
                    fingerprint TEXT NOT NULL CHECK (json_valid(fingerprint)),
                    state TEXT NOT NULL CHECK (state IN ('applied', 'undone')),
                    applied_at TEXT NOT NULL,
                    undone_at TEXT,
                    undo_request_id INTEGER REFERENCES approval_request(id),
                    CHECK ((state = 'undone') = (undone_at IS NOT NULL))
                ) STRICT;
                CREATE UNIQUE INDEX rollover_applied_once_per_year ON rollover(from_year_id)
                    WHERE state = 'applied';
                CREATE INDEX rollover_by_school ON rollover(school_id, id);

                CREATE TABLE rollover_override (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL REFERENCES school(id),
                    from_class TEXT NOT NULL,
                    to_class TEXT NOT NULL CHECK (length(to_class) BETWEEN 2 AND 3),
                    set_by TEXT NOT NULL,
                    set_at TEXT NOT NULL,
                    PRIMARY KEY (year_id, from_class),
                    FOREIGN KEY (year_id, from_class) REFERENCES school_class(year_id, name)
                ) STRICT;

                CREATE TABLE academic_debt (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    subjects TEXT NOT NULL,
                    deadline TEXT NOT NULL CHECK (date(deadline) IS deadline),
                    from_year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    rollover_id INTEGER,
                    PRIMARY KEY (year_id, student_id),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id)
                ) STRICT;

                -- Written and emptied inside one undo transaction: while a year's id is here, the read-only
                -- triggers of that closed year stand aside. Nothing else writes it.
                CREATE TABLE year_unlock (year_id INTEGER PRIMARY KEY) STRICT;

                ALTER TABLE academic_year ADD COLUMN rollover_id INTEGER;
                ALTER TABLE school_class ADD COLUMN rollover_id INTEGER;
                ALTER TABLE school_order ADD COLUMN rollover_id INTEGER;
                ALTER TABLE curriculum ADD COLUMN rollover_id INTEGER;
                ALTER TABLE assignment ADD COLUMN rollover_id INTEGER;
                ALTER TABLE student ADD COLUMN rollover_id INTEGER;
                ALTER TABLE application ADD COLUMN rollover_id INTEGER;

                CREATE TABLE enrollment_new (
                    id INTEGER PRIMARY KEY,
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    class_name TEXT NOT NULL,
                    from_date TEXT NOT NULL CHECK (date(from_date) IS from_date),
                    to_date TEXT CHECK (to_date IS NULL OR (date(to_date) IS to_date AND to_date >= from_date)),
                    order_no TEXT,
                    opened_by TEXT NOT NULL CHECK (opened_by IN ('import', 'enrollment', 'transfer_in',
                        'class_change', 'promotion')),
                    closed_by TEXT CHECK (closed_by IN ('withdrawal', 'transfer_out', 'graduation',
                        'class_change')),
                    closing_order_no TEXT,
                    basis TEXT NOT NULL CHECK (basis <> ''),
                    rollover_id INTEGER,
                    closing_rollover_id INTEGER,
                    CHECK ((to_date IS NULL) = (closed_by IS NULL)),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name)
                ) STRICT;
                INSERT INTO enrollment_new (id, year_id, school_id, student_id, class_name, from_date, to_date,
                    order_no, opened_by, closed_by, closing_order_no, basis)
                SELECT id, year_id, school_id, student_id, class_name, from_date, to_date, order_no, opened_by,
                    closed_by, closing_order_no, basis FROM enrollment;
                DROP TABLE enrollment;
                ALTER TABLE enrollment_new RENAME TO enrollment;
                CREATE UNIQUE INDEX enrollment_one_open_per_student
                    ON enrollment(year_id, school_id, student_id) WHERE to_date IS NULL;
                CREATE INDEX enrollment_by_class ON enrollment(year_id, class_name);
                CREATE INDEX enrollment_by_student ON enrollment(school_id, student_id, from_date);
                CREATE TRIGGER enrollment_intervals_do_not_overlap
                    BEFORE INSERT ON enrollment
                    WHEN EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = NEW.year_id
                        AND e.school_id = NEW.school_id AND e.student_id = NEW.student_id
                        AND e.from_date < coalesce(NEW.to_date, '9999-12-31')
                        AND coalesce(e.to_date, '9999-12-31') > NEW.from_date)
                    BEGIN SELECT RAISE(ABORT, 'a student is in one class at a time: the enrollments overlap'); END;
                CREATE TRIGGER enrollment_school_is_the_years
                    BEFORE INSERT ON enrollment
                    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
                    BEGIN SELECT RAISE(ABORT, 'an enrollment belongs to its year''s school'); END;

                DROP TRIGGER academic_year_closed_is_read_only;
                DROP TRIGGER academic_year_closed_is_kept;
                CREATE TRIGGER academic_year_closed_is_read_only
                    BEFORE UPDATE ON academic_year WHEN OLD.state = 'closed'
                        AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.id)
                    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;
                CREATE TRIGGER academic_year_closed_is_kept
                    BEFORE DELETE ON academic_year WHEN OLD.state = 'closed'
                    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;
                """)
        // The closed-year triggers again, now standing aside for a year an undo has unlocked (the enrollment
        // ones went with the old table), and for the new tables.
        for table in [
            "school_class", "enrollment", "school_order", "curriculum", "assignment", "schedule_slot",
            "final_grade", "decision", "academic_debt", "rollover_override",
        ] {
            try closedYearTriggers(on: table, in: db)
        }
    }

    /// The migration `2026-12-07-finding-parameters`, as it landed.
    static func findingParameters(_ db: Database) throws {
        // A finding's parameters (the student's name, the class, the subject...) as a JSON object, so that its
        // sentence can be said in the reader's language; `message` keeps the English sentence, and findings stored
        // before have no parameters.
        try db.execute(sql: "ALTER TABLE check_finding ADD COLUMN params TEXT")
    }

    /// The migration `2026-12-04-year-end-orders`, as it landed.
    static func yearEndOrders(_ db: Database) throws {
        // The year-end as schools write it (domain.md §9): orders by outcome (conditional promotion, retention,
        // adapted programme beside promotion), each naming the pedagogical council's order as its basis; a
        // decision names a transferred student's destination; grades end on their own days; the old year's enrollment of a student who stays
        // is closed by the order that continues it into the next year. `school_order` and `enrollment` are
        // rebuilt because SQLite cannot alter a CHECK; their triggers and indexes go with them and are made
        // again.
        try db.execute(
            sql: """
                ALTER TABLE decision ADD COLUMN destination TEXT;
                -- The grades (parallels) with their own last day, {"9": "06-30"} for a school's default and
                -- {"9": "2027-06-30"} for a year: grades 9 and 11 end after the state exams.
                ALTER TABLE school ADD COLUMN grade_ends TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(grade_ends));
                ALTER TABLE academic_year ADD COLUMN grade_ends TEXT NOT NULL DEFAULT '{}'
                    CHECK (json_valid(grade_ends));
                -- An application for a grade other than the first may name its class (a 10th grade by profile);
                -- the guardian's consent to personal-data processing signed with it.
                ALTER TABLE application ADD COLUMN class_name TEXT;
                ALTER TABLE application ADD COLUMN consent_on TEXT
                    CHECK (consent_on IS NULL OR date(consent_on) IS consent_on);
                -- Forms of education (273-FZ art. 17): in school full-time, part-time or extramural, or outside
                -- it in family education or self-education (attached for assessment only, in no class).
                ALTER TABLE student ADD COLUMN form_of_education TEXT CHECK (form_of_education IS NULL
                    OR form_of_education IN ('full_time', 'part_time', 'extramural', 'family', 'self'));

                -- A grade's study periods (quarters, trimesters or halves), which its period grades refer to.
                CREATE TABLE study_period (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
                    period TEXT NOT NULL CHECK (period IN ('q1', 'q2', 'q3', 'q4', 't1', 't2', 't3', 'h1', 'h2')),
                    starts_on TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
                    ends_on TEXT NOT NULL CHECK (date(ends_on) IS ends_on AND ends_on >= starts_on),
                    PRIMARY KEY (year_id, grade, period)
                ) STRICT;

                -- Trimester grades (t1-t3) beside quarters and halves: the CHECK is rebuilt with the table, and
                -- WITHOUT ROWID: every lookup is by its key, and the checks that read a grade (of the subject's
                -- kind, failing) find it in the key's own b-tree instead of a second descent into the table.
                CREATE TABLE final_grade_new (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    period TEXT NOT NULL CHECK (period IN ('q1', 'q2', 'q3', 'q4', 't1', 't2', 't3', 'h1', 'h2',
                        'year', 'exam', 'final')),
                    grade TEXT NOT NULL CHECK (grade IN ('2', '3', '4', '5', 'pass', 'fail', 'exempt')),
                    PRIMARY KEY (year_id, student_id, subject_id, period),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO final_grade_new SELECT year_id, school_id, student_id, subject_id, period, grade
                    FROM final_grade;
                DROP TABLE final_grade;
                ALTER TABLE final_grade_new RENAME TO final_grade;

                -- The old class whose class teacher, profile and assignments a merged class keeps.
                ALTER TABLE rollover_override ADD COLUMN keeps INTEGER NOT NULL DEFAULT 0 CHECK (keeps IN (0, 1));
                -- The parents' statement behind a retention or an adapted programme (art. 58: their choice).
                ALTER TABLE decision ADD COLUMN statement_on TEXT
                    CHECK (statement_on IS NULL OR date(statement_on) IS statement_on);

                -- What a graduating grade ends with: the basic (grade 9) or secondary (grade 11) certificate,
                -- or a statement of study (справка) for those who leave without one.
                CREATE TABLE certificate (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('basic', 'secondary', 'statement')),
                    number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 64),
                    issued_on TEXT NOT NULL CHECK (date(issued_on) IS issued_on),
                    honours INTEGER CHECK (honours IS NULL OR honours IN (0, 1)),
                    PRIMARY KEY (year_id, student_id, kind),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id)
                ) STRICT;
                CREATE UNIQUE INDEX certificate_number ON certificate(school_id, kind, number);

                -- A retake of an academic debt (art. 58: at most twice, within a year of the decision), in the
                -- year the debt was carried into; a passing result clears that subject.
                CREATE TABLE debt_retake (
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    subject TEXT NOT NULL CHECK (subject <> ''),
                    attempt INTEGER NOT NULL CHECK (attempt IN (1, 2)),
                    taken_on TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
                    result TEXT NOT NULL CHECK (result IN ('2', '3', '4', '5', 'pass', 'fail')),
                    PRIMARY KEY (year_id, student_id, subject, attempt),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id)
                ) STRICT;

                CREATE TABLE school_order_new (
                    school_id TEXT NOT NULL REFERENCES school(id),
                    order_no TEXT NOT NULL CHECK (length(order_no) BETWEEN 1 AND 64),
                    student_id TEXT NOT NULL,
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    order_date TEXT NOT NULL CHECK (date(order_date) IS order_date),
                    kind TEXT NOT NULL CHECK (kind IN ('enrollment', 'withdrawal', 'transfer_in', 'transfer_out',
                        'class_change', 'promotion', 'graduation', 'conditional_promotion', 'retention',
                        'adapted_programme')),
                    class_from TEXT,
                    class_to TEXT,
                    effective_on TEXT NOT NULL CHECK (date(effective_on) IS effective_on),
                    basis TEXT,
                    destination TEXT,
                    rollover_id INTEGER,
                    basis_order_no TEXT,
                    basis_order_date TEXT
                        CHECK (basis_order_date IS NULL OR date(basis_order_date) IS basis_order_date),
                    PRIMARY KEY (school_id, order_no, student_id),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    CHECK (kind NOT IN ('enrollment', 'transfer_in', 'class_change') OR class_to IS NOT NULL)
                ) STRICT;
                INSERT INTO school_order_new (school_id, order_no, student_id, year_id, order_date, kind,
                    class_from, class_to, effective_on, basis, destination, rollover_id)
                SELECT school_id, order_no, student_id, year_id, order_date, kind, class_from, class_to,
                    effective_on, basis, destination, rollover_id FROM school_order;
                DROP TABLE school_order;
                ALTER TABLE school_order_new RENAME TO school_order;
                CREATE INDEX school_order_by_year ON school_order(year_id, effective_on);

                CREATE TABLE enrollment_new (
                    id INTEGER PRIMARY KEY,
                    year_id INTEGER NOT NULL REFERENCES academic_year(id),
                    school_id TEXT NOT NULL,
                    student_id TEXT NOT NULL,
                    class_name TEXT NOT NULL,
                    from_date TEXT NOT NULL CHECK (date(from_date) IS from_date),
                    to_date TEXT CHECK (to_date IS NULL OR (date(to_date) IS to_date AND to_date >= from_date)),
                    order_no TEXT,
                    opened_by TEXT NOT NULL CHECK (opened_by IN ('import', 'enrollment', 'transfer_in',
                        'class_change', 'promotion', 'conditional_promotion', 'retention', 'adapted_programme')),
                    closed_by TEXT CHECK (closed_by IN ('withdrawal', 'transfer_out', 'graduation',
                        'class_change', 'promotion', 'conditional_promotion', 'retention', 'adapted_programme')),
                    closing_order_no TEXT,
                    basis TEXT NOT NULL CHECK (basis <> ''),
                    rollover_id INTEGER,
                    closing_rollover_id INTEGER,
                    CHECK ((to_date IS NULL) = (closed_by IS NULL)),
                    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
                    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name)
                ) STRICT;
                INSERT INTO enrollment_new SELECT id, year_id, school_id, student_id, class_name, from_date,
                    to_date, order_no, opened_by, closed_by, closing_order_no, basis, rollover_id,
                    closing_rollover_id FROM enrollment;
                DROP TABLE enrollment;
                ALTER TABLE enrollment_new RENAME TO enrollment;
                CREATE UNIQUE INDEX enrollment_one_open_per_student
                    ON enrollment(year_id, school_id, student_id) WHERE to_date IS NULL;
                CREATE INDEX enrollment_by_class ON enrollment(year_id, class_name);
                CREATE INDEX enrollment_by_student ON enrollment(school_id, student_id, from_date);
                CREATE TRIGGER enrollment_intervals_do_not_overlap
                    BEFORE INSERT ON enrollment
                    WHEN EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = NEW.year_id
                        AND e.school_id = NEW.school_id AND e.student_id = NEW.student_id
                        AND e.from_date < coalesce(NEW.to_date, '9999-12-31')
                        AND coalesce(e.to_date, '9999-12-31') > NEW.from_date)
                    BEGIN SELECT RAISE(ABORT, 'a student is in one class at a time: the enrollments overlap'); END;
                CREATE TRIGGER enrollment_school_is_the_years
                    BEFORE INSERT ON enrollment
                    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
                    BEGIN SELECT RAISE(ABORT, 'an enrollment belongs to its year''s school'); END;
                """)
        for table in ["school_order", "enrollment", "certificate", "debt_retake", "study_period", "final_grade"] {
            try closedYearTriggers(on: table, in: db)
        }
        // A rollover applied before this migration left the old-year enrollments of those who stayed open:
        // close them as a rollover now does, by its promotion order, so that the book spans the boundary (the
        // closed years stand aside for this one statement, as for an undo).
        try db.execute(
            sql: """
                INSERT INTO year_unlock (year_id) SELECT from_year_id FROM rollover WHERE state = 'applied';
                UPDATE enrollment SET to_date = max(y.end_date, enrollment.from_date), closed_by = o.kind,
                    closing_order_no = o.order_no, closing_rollover_id = r.id
                FROM rollover r
                JOIN academic_year y ON y.id = r.from_year_id
                JOIN school_order o ON o.school_id = r.school_id AND o.rollover_id = r.id AND o.year_id = r.from_year_id
                    AND o.kind = 'promotion'
                WHERE r.state = 'applied' AND enrollment.year_id = r.from_year_id AND enrollment.to_date IS NULL
                    AND enrollment.student_id = o.student_id;
                DELETE FROM year_unlock;
                """)
    }

    /// Makes (or makes again) the triggers that refuse every write to `table`'s rows of a closed year, standing
    /// aside for a year an undo has unlocked (`year_unlock`).
    static func closedYearTriggers(on table: String, in db: Database) throws {
        let closed = { (row: String) in
            "((SELECT state FROM academic_year WHERE id = \(row).year_id) = 'closed' "
                + "AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = \(row).year_id))"
        }
        for (event, condition) in [
            ("INSERT", closed("NEW")), ("UPDATE", closed("OLD") + " OR " + closed("NEW")), ("DELETE", closed("OLD")),
        ] {
            let name = "\(table)_closed_year_\(event.lowercased())"
            try db.execute(
                sql: """
                    DROP TRIGGER IF EXISTS \(name);
                    CREATE TRIGGER \(name) BEFORE \(event) ON \(table) WHEN \(condition)
                        BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END
                    """)
        }
    }
}
