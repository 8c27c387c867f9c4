-- migration 2026-11-29-check-runs
-- migration 2026-11-29-registry-people-classes-enrollments
-- migration 2026-11-29-rollovers
-- migration 2026-11-29-schools-years-requests-audit
-- migration 2026-11-29-student-birth-date-optional
-- migration 2026-12-04-year-end-orders
-- migration 2026-12-07-finding-parameters
-- index academic_year_one_active_per_school on academic_year
CREATE UNIQUE INDEX academic_year_one_active_per_school
    ON academic_year(school_id) WHERE state IN ('in_progress', 'closing');

-- index approval_request_by_school on approval_request
CREATE INDEX approval_request_by_school ON approval_request(school_id, status);

-- index approval_request_one_pending_per_year on approval_request
CREATE UNIQUE INDEX approval_request_one_pending_per_year
    ON approval_request(year_id) WHERE status = 'pending';

-- index audit_log_by_school on audit_log
CREATE INDEX audit_log_by_school ON audit_log(school_id, seq);

-- index certificate_number on certificate
CREATE UNIQUE INDEX certificate_number ON certificate(school_id, kind, number);

-- index check_finding_by_run on check_finding
CREATE INDEX check_finding_by_run ON check_finding(run_id, check_id, entity_id);

-- index check_run_by_school on check_run
CREATE INDEX check_run_by_school ON check_run(school_id, id);

-- index enrollment_by_class on enrollment
CREATE INDEX enrollment_by_class ON enrollment(year_id, class_name);

-- index enrollment_by_student on enrollment
CREATE INDEX enrollment_by_student ON enrollment(school_id, student_id, from_date);

-- index enrollment_one_open_per_student on enrollment
CREATE UNIQUE INDEX enrollment_one_open_per_student
    ON enrollment(year_id, school_id, student_id) WHERE to_date IS NULL;

-- index guardian_by_student on guardian
CREATE INDEX guardian_by_student ON guardian(school_id, student_id);

-- index rollover_applied_once_per_year on rollover
CREATE UNIQUE INDEX rollover_applied_once_per_year ON rollover(from_year_id)
    WHERE state = 'applied';

-- index rollover_by_school on rollover
CREATE INDEX rollover_by_school ON rollover(school_id, id);

-- index school_order_by_year on school_order
CREATE INDEX school_order_by_year ON school_order(year_id, effective_on);

-- index staff_login on staff
CREATE UNIQUE INDEX staff_login ON staff(school_id, login) WHERE login IS NOT NULL;

-- index student_by_snils on student
CREATE INDEX student_by_snils ON student(snils);

-- index student_personal_file on student
CREATE UNIQUE INDEX student_personal_file
    ON student(school_id, personal_file_no) WHERE personal_file_no IS NOT NULL;

-- table academic_debt on academic_debt
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

-- table academic_year on academic_year
CREATE TABLE academic_year (
    id INTEGER PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES school(id),
    label TEXT NOT NULL CHECK (label GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9][0-9][0-9]'),
    start_date TEXT NOT NULL CHECK (date(start_date) IS start_date),
    end_date TEXT NOT NULL CHECK (date(end_date) IS end_date AND end_date > start_date),
    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'closing', 'closed')),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, rollover_id INTEGER, grade_ends TEXT NOT NULL DEFAULT '{}'
    CHECK (json_valid(grade_ends)),
    UNIQUE (school_id, label)
) STRICT;

-- table application on application
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
    guardian_email TEXT, rollover_id INTEGER, class_name TEXT, consent_on TEXT
    CHECK (consent_on IS NULL OR date(consent_on) IS consent_on),
    PRIMARY KEY (school_id, id)
) STRICT;

-- table approval_request on approval_request
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

-- table assignment on assignment
CREATE TABLE assignment (
    year_id INTEGER NOT NULL REFERENCES academic_year(id),
    school_id TEXT NOT NULL,
    class_name TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    grp TEXT NOT NULL DEFAULT '',
    teacher_id TEXT NOT NULL, rollover_id INTEGER,
    PRIMARY KEY (year_id, class_name, subject_id, grp),
    FOREIGN KEY (year_id, class_name) REFERENCES school_class(year_id, name),
    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id),
    FOREIGN KEY (school_id, teacher_id) REFERENCES staff(school_id, id)
) STRICT;

-- table audit_log on audit_log
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

-- table certificate on certificate
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

-- table check_finding on check_finding
CREATE TABLE check_finding (
    run_id INTEGER NOT NULL REFERENCES check_run(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    class_name TEXT,
    message TEXT NOT NULL
, params TEXT) STRICT;

-- table check_run on check_run
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

-- table consent on consent
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

-- table curriculum on curriculum
CREATE TABLE curriculum (
    year_id INTEGER NOT NULL REFERENCES academic_year(id),
    school_id TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    profile TEXT NOT NULL DEFAULT '',
    subject_id TEXT NOT NULL,
    hours_per_week INTEGER NOT NULL CHECK (hours_per_week BETWEEN 0 AND 40),
    assessment TEXT CHECK (assessment IS NULL OR assessment IN ('graded', 'pass_fail')), rollover_id INTEGER,
    PRIMARY KEY (year_id, grade, profile, subject_id),
    FOREIGN KEY (school_id, subject_id) REFERENCES subject(school_id, id)
) STRICT;

-- table debt_retake on debt_retake
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

-- table decision on decision
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
    order_date TEXT, destination TEXT, statement_on TEXT
    CHECK (statement_on IS NULL OR date(statement_on) IS statement_on),
    PRIMARY KEY (year_id, student_id),
    FOREIGN KEY (school_id, student_id) REFERENCES student(school_id, id),
    CHECK (outcome <> 'conditional' OR (debts IS NOT NULL AND deadline IS NOT NULL))
) STRICT;

-- table enrollment on enrollment
CREATE TABLE "enrollment" (
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

-- table final_grade on final_grade
CREATE TABLE "final_grade" (
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

-- table grdb_migrations on grdb_migrations
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

-- table guardian on guardian
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

-- table rollover on rollover
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

-- table rollover_override on rollover_override
CREATE TABLE rollover_override (
    year_id INTEGER NOT NULL REFERENCES academic_year(id),
    school_id TEXT NOT NULL REFERENCES school(id),
    from_class TEXT NOT NULL,
    to_class TEXT NOT NULL CHECK (length(to_class) BETWEEN 2 AND 3),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL, keeps INTEGER NOT NULL DEFAULT 0 CHECK (keeps IN (0, 1)),
    PRIMARY KEY (year_id, from_class),
    FOREIGN KEY (year_id, from_class) REFERENCES school_class(year_id, name)
) STRICT;

-- table schedule_slot on schedule_slot
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

-- table school on school
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
, grade_ends TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(grade_ends))) STRICT;

-- table school_class on school_class
CREATE TABLE school_class (
    year_id INTEGER NOT NULL REFERENCES academic_year(id),
    school_id TEXT NOT NULL REFERENCES school(id),
    name TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    letter TEXT NOT NULL CHECK (length(letter) = 1),
    profile TEXT,
    class_type TEXT,
    class_teacher_id TEXT,
    capacity INTEGER CHECK (capacity IS NULL OR capacity BETWEEN 1 AND 100), rollover_id INTEGER,
    PRIMARY KEY (year_id, name),
    CHECK (name = grade || letter),
    FOREIGN KEY (school_id, class_teacher_id) REFERENCES staff(school_id, id)
) STRICT;

-- table school_order on school_order
CREATE TABLE "school_order" (
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

-- table staff on staff
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

-- table student on student
CREATE TABLE "student" (
    school_id TEXT NOT NULL REFERENCES school(id),
    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    last_name TEXT NOT NULL CHECK (last_name <> ''),
    first_name TEXT NOT NULL CHECK (first_name <> ''),
    middle_name TEXT,
    birth_date TEXT CHECK (birth_date IS NULL OR date(birth_date) IS birth_date),
    gender TEXT NOT NULL CHECK (gender IN ('M', 'F')),
    personal_file_no TEXT,
    snils TEXT CHECK (snils IS NULL OR (length(snils) = 11 AND snils NOT GLOB '*[^0-9]*')),
    enrolled_on TEXT CHECK (enrolled_on IS NULL OR date(enrolled_on) IS enrolled_on), rollover_id INTEGER, form_of_education TEXT CHECK (form_of_education IS NULL
    OR form_of_education IN ('full_time', 'part_time', 'extramural', 'family', 'self')),
    PRIMARY KEY (school_id, id)
) STRICT, WITHOUT ROWID;

-- table study_period on study_period
CREATE TABLE study_period (
    year_id INTEGER NOT NULL REFERENCES academic_year(id),
    school_id TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    period TEXT NOT NULL CHECK (period IN ('q1', 'q2', 'q3', 'q4', 't1', 't2', 't3', 'h1', 'h2')),
    starts_on TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on TEXT NOT NULL CHECK (date(ends_on) IS ends_on AND ends_on >= starts_on),
    PRIMARY KEY (year_id, grade, period)
) STRICT;

-- table subject on subject
CREATE TABLE subject (
    school_id TEXT NOT NULL REFERENCES school(id),
    id TEXT NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name TEXT NOT NULL CHECK (name <> ''),
    PRIMARY KEY (school_id, id)
) STRICT;

-- table year_unlock on year_unlock
CREATE TABLE year_unlock (year_id INTEGER PRIMARY KEY) STRICT;

-- trigger academic_debt_closed_year_delete on academic_debt
CREATE TRIGGER academic_debt_closed_year_delete BEFORE DELETE ON academic_debt WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger academic_debt_closed_year_insert on academic_debt
CREATE TRIGGER academic_debt_closed_year_insert BEFORE INSERT ON academic_debt WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger academic_debt_closed_year_update on academic_debt
CREATE TRIGGER academic_debt_closed_year_update BEFORE UPDATE ON academic_debt WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger academic_year_closed_is_kept on academic_year
CREATE TRIGGER academic_year_closed_is_kept
    BEFORE DELETE ON academic_year WHEN OLD.state = 'closed'
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger academic_year_closed_is_read_only on academic_year
CREATE TRIGGER academic_year_closed_is_read_only
    BEFORE UPDATE ON academic_year WHEN OLD.state = 'closed'
        AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger academic_year_version_moves on academic_year
CREATE TRIGGER academic_year_version_moves
    BEFORE UPDATE ON academic_year WHEN NEW.version <= OLD.version
    BEGIN SELECT RAISE(ABORT, 'every change to a year must increment its version'); END;

-- trigger approval_request_decided_once on approval_request
CREATE TRIGGER approval_request_decided_once
    BEFORE UPDATE ON approval_request WHEN OLD.status <> 'pending'
    BEGIN SELECT RAISE(ABORT, 'the request was already decided'); END;

-- trigger approval_request_payload_is_fixed on approval_request
CREATE TRIGGER approval_request_payload_is_fixed
    BEFORE UPDATE OF payload, payload_hash, year_version, requester_uid ON approval_request
    BEGIN SELECT RAISE(ABORT, 'a request is bound to what was requested'); END;

-- trigger assignment_closed_year_delete on assignment
CREATE TRIGGER assignment_closed_year_delete BEFORE DELETE ON assignment WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger assignment_closed_year_insert on assignment
CREATE TRIGGER assignment_closed_year_insert BEFORE INSERT ON assignment WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger assignment_closed_year_update on assignment
CREATE TRIGGER assignment_closed_year_update BEFORE UPDATE ON assignment WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger audit_log_no_delete on audit_log
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- trigger audit_log_no_update on audit_log
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- trigger certificate_closed_year_delete on certificate
CREATE TRIGGER certificate_closed_year_delete BEFORE DELETE ON certificate WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger certificate_closed_year_insert on certificate
CREATE TRIGGER certificate_closed_year_insert BEFORE INSERT ON certificate WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger certificate_closed_year_update on certificate
CREATE TRIGGER certificate_closed_year_update BEFORE UPDATE ON certificate WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger curriculum_closed_year_delete on curriculum
CREATE TRIGGER curriculum_closed_year_delete BEFORE DELETE ON curriculum WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger curriculum_closed_year_insert on curriculum
CREATE TRIGGER curriculum_closed_year_insert BEFORE INSERT ON curriculum WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger curriculum_closed_year_update on curriculum
CREATE TRIGGER curriculum_closed_year_update BEFORE UPDATE ON curriculum WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger debt_retake_closed_year_delete on debt_retake
CREATE TRIGGER debt_retake_closed_year_delete BEFORE DELETE ON debt_retake WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger debt_retake_closed_year_insert on debt_retake
CREATE TRIGGER debt_retake_closed_year_insert BEFORE INSERT ON debt_retake WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger debt_retake_closed_year_update on debt_retake
CREATE TRIGGER debt_retake_closed_year_update BEFORE UPDATE ON debt_retake WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger decision_closed_year_delete on decision
CREATE TRIGGER decision_closed_year_delete BEFORE DELETE ON decision WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger decision_closed_year_insert on decision
CREATE TRIGGER decision_closed_year_insert BEFORE INSERT ON decision WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger decision_closed_year_update on decision
CREATE TRIGGER decision_closed_year_update BEFORE UPDATE ON decision WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger enrollment_closed_year_delete on enrollment
CREATE TRIGGER enrollment_closed_year_delete BEFORE DELETE ON enrollment WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger enrollment_closed_year_insert on enrollment
CREATE TRIGGER enrollment_closed_year_insert BEFORE INSERT ON enrollment WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger enrollment_closed_year_update on enrollment
CREATE TRIGGER enrollment_closed_year_update BEFORE UPDATE ON enrollment WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger enrollment_intervals_do_not_overlap on enrollment
CREATE TRIGGER enrollment_intervals_do_not_overlap
    BEFORE INSERT ON enrollment
    WHEN EXISTS (SELECT 1 FROM enrollment e WHERE e.year_id = NEW.year_id
        AND e.school_id = NEW.school_id AND e.student_id = NEW.student_id
        AND e.from_date < coalesce(NEW.to_date, '9999-12-31')
        AND coalesce(e.to_date, '9999-12-31') > NEW.from_date)
    BEGIN SELECT RAISE(ABORT, 'a student is in one class at a time: the enrollments overlap'); END;

-- trigger enrollment_school_is_the_years on enrollment
CREATE TRIGGER enrollment_school_is_the_years
    BEFORE INSERT ON enrollment
    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
    BEGIN SELECT RAISE(ABORT, 'an enrollment belongs to its year''s school'); END;

-- trigger final_grade_closed_year_delete on final_grade
CREATE TRIGGER final_grade_closed_year_delete BEFORE DELETE ON final_grade WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger final_grade_closed_year_insert on final_grade
CREATE TRIGGER final_grade_closed_year_insert BEFORE INSERT ON final_grade WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger final_grade_closed_year_update on final_grade
CREATE TRIGGER final_grade_closed_year_update BEFORE UPDATE ON final_grade WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger rollover_override_closed_year_delete on rollover_override
CREATE TRIGGER rollover_override_closed_year_delete BEFORE DELETE ON rollover_override WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger rollover_override_closed_year_insert on rollover_override
CREATE TRIGGER rollover_override_closed_year_insert BEFORE INSERT ON rollover_override WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger rollover_override_closed_year_update on rollover_override
CREATE TRIGGER rollover_override_closed_year_update BEFORE UPDATE ON rollover_override WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger schedule_slot_closed_year_delete on schedule_slot
CREATE TRIGGER schedule_slot_closed_year_delete BEFORE DELETE ON schedule_slot WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger schedule_slot_closed_year_insert on schedule_slot
CREATE TRIGGER schedule_slot_closed_year_insert BEFORE INSERT ON schedule_slot WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger schedule_slot_closed_year_update on schedule_slot
CREATE TRIGGER schedule_slot_closed_year_update BEFORE UPDATE ON schedule_slot WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_class_closed_year_delete on school_class
CREATE TRIGGER school_class_closed_year_delete BEFORE DELETE ON school_class WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_class_closed_year_insert on school_class
CREATE TRIGGER school_class_closed_year_insert BEFORE INSERT ON school_class WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_class_closed_year_update on school_class
CREATE TRIGGER school_class_closed_year_update BEFORE UPDATE ON school_class WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_class_school_is_the_years on school_class
CREATE TRIGGER school_class_school_is_the_years
    BEFORE INSERT ON school_class
    WHEN NEW.school_id IS NOT (SELECT school_id FROM academic_year WHERE id = NEW.year_id)
    BEGIN SELECT RAISE(ABORT, 'a class belongs to its year''s school'); END;

-- trigger school_order_closed_year_delete on school_order
CREATE TRIGGER school_order_closed_year_delete BEFORE DELETE ON school_order WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_order_closed_year_insert on school_order
CREATE TRIGGER school_order_closed_year_insert BEFORE INSERT ON school_order WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger school_order_closed_year_update on school_order
CREATE TRIGGER school_order_closed_year_update BEFORE UPDATE ON school_order WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger study_period_closed_year_delete on study_period
CREATE TRIGGER study_period_closed_year_delete BEFORE DELETE ON study_period WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger study_period_closed_year_insert on study_period
CREATE TRIGGER study_period_closed_year_insert BEFORE INSERT ON study_period WHEN ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;

-- trigger study_period_closed_year_update on study_period
CREATE TRIGGER study_period_closed_year_update BEFORE UPDATE ON study_period WHEN ((SELECT state FROM academic_year WHERE id = OLD.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = OLD.year_id)) OR ((SELECT state FROM academic_year WHERE id = NEW.year_id) = 'closed' AND NOT EXISTS (SELECT 1 FROM year_unlock WHERE year_id = NEW.year_id))
    BEGIN SELECT RAISE(ABORT, 'the year is closed and read-only'); END;
