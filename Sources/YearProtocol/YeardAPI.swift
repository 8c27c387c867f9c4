import YearCore

/// The whole protocol surface of yeard: every interface and every method, in one place.
public enum YeardAPI {
    /// Every role: reading methods are open to anyone holding any role at the school.
    public static let anyRole = Set(Role.allCases)
    /// The roles that may read the audit log.
    public static let auditReaders: Set<Role> = [.auditor, .coordinator, .admin]

    /// `org.varlink.service`, which every Varlink service provides.
    public static let service = VarlinkInterface(
        name: "org.varlink.service",
        doc: """
            The Varlink Service Interface is provided by every varlink service. It
            describes the service and the interfaces it implements.
            """,
        types: "",
        methods: [
            Service.getInfo.spec,
            Service.getInterfaceDescription.spec,
        ],
        errors: """
            # The requested interface was not found.
            error InterfaceNotFound (interface: string)

            # The requested method was not found
            error MethodNotFound (method: string)

            # The interface defines the requested method, but the service does not
            # implement it.
            error MethodNotImplemented (method: string)

            # One of the passed parameters is invalid.
            error InvalidParameter (parameter: string)

            # Client is denied access
            error PermissionDenied ()

            # Method is expected to be called with 'more' set to true, but wasn't
            error ExpectedMore ()
            """)

    /// The states of a year, as a Varlink enum (in every interface that names one).
    static let stateType = """
        # The state of an academic year.
        type YearState (open, in_progress, closing, closed)
        """

    /// The ApprovalRequest type and what a rollover request carries (in io.yeard.Approval and io.yeard.Rollover).
    static let requestType = """
        # A request. event is one of start, begin-closing, reopen, close, undo-rollover (a string: a Varlink
        # enum's values cannot hold '-', and these are stored in the audit chain as they are).
        # payloadHash is the SHA-256 of the canonical payload the approval is bound to.
        type ApprovalRequest (
          id: int,
          school: string,
          year: int,
          yearLabel: string,
          event: string,
          from: YearState,
          to: YearState,
          reason: string,
          payloadHash: string,
          yearVersion: int,
          requesterUid: int,
          requester: string,
          createdAt: string,
          expiresAt: string,
          status: RequestStatus,
          deciderUid: ?int,
          decider: ?string,
          decidedAt: ?string,
          decisionReason: ?string,
          rollover: ?RolloverRequest
        )

        # What a rollover request (event close) or the request to undo one (event undo-rollover) is bound
        # to: the plan's hash, the rollover to undo, the year it opens, and what it does, one line each.
        type RolloverRequest (
          planHash: string,
          rollover: ?int,
          toYear: string,
          summary: []string,
          notes: ?[]Note
        )

        # One line of a rollover's summary as a code and what it names, for a client to say in its language.
        type Note (code: string, params: [string]string)

        # Where a request stands (expired: pending past its expiry).
        type RequestStatus (pending, approved, rejected, cancelled, expired)
        """

    static let yearType = """
        # An academic year of one school; version grows with every change, and an approval is bound to it.
        type Year (
          id: int,
          school: string,
          label: string,
          startDate: string,
          endDate: string,
          state: YearState,
          version: int,
          gradeEnds: []GradeEnd
        )

        # A grade (parallel) whose last day is not the year's: grades 9 and 11 end after the state exams.
        type GradeEnd (
          grade: int,
          endDate: string
        )
        """

    /// `io.yeard.Year`: schools, their years and the daemon's status.
    public static let year = VarlinkInterface(
        name: "io.yeard.Year",
        doc: "The schools a yeard instance serves and their academic years.",
        types: stateType + "\n\n" + yearType + "\n\n" + """
            # A role a person holds at a school (docs/roles.md).
            type Role (coordinator, admin, secretary, teacher, auditor)

            # A configured school and the roles the caller holds there.
            type School (
              id: string,
              name: string,
              timeZone: string,
              firstGrade: int,
              lastGrade: int,
              graduatingGrades: []int,
              yourRoles: []Role
            )

            # One school's line of the status.
            type SchoolStatus (
              id: string,
              name: string,
              activeYear: ?Year,
              openYears: []Year,
              pendingRequests: int
            )
            """,
        methods: [
            Year.status.spec,
            Year.listSchools.spec,
            Year.list.spec,
            Year.get.spec,
            Year.create.spec,
        ],
        errors: """
            # The caller lacks the role the method needs (message says which and where; school "*" means
            # the role is needed at every school of the instance).
            error PermissionDenied (method: string, required: []Role, school: ?string, message: string)

            # No school with this id is configured.
            error SchoolNotFound (school: string, message: string)

            # No year with this id.
            error YearNotFound (id: int, message: string)

            # The school already has a year with this label.
            error YearExists (school: string, label: string, message: string)

            # No row of the transition table leads from the year's state by this event.
            error TransitionNotAllowed (year: string, state: YearState, event: string, allowed: []string, message: string)

            # Only the year rollover executes this event.
            error RolloverOnly (event: string, message: string)

            # A guard of the transition refused; violations say why, notes say the same for a client's language.
            error GuardFailed (event: string, violations: []string, notes: ?[]Note, message: string)

            # A sentence as a code and what it names, for a client to say in its language.
            type Note (code: string, params: [string]string)

            # The daemon could not complete the call; nothing was changed.
            error InternalFailure (reason: string, message: string)

            # The connection was refused: too many connections in total or for this user.
            error TooManyConnections (message: string)

            # The message was not a Varlink call (not JSON, a key twice, nested too deep, no method, ...);
            # reason says what and at which byte. The daemon closes the connection after this reply.
            error InvalidMessage (reason: string, message: string)
            """)

    /// `io.yeard.Approval`: the two-person approval of transitions.
    public static let approval = VarlinkInterface(
        name: "io.yeard.Approval",
        doc: """
            Two-person approval: an admin files a request, a different person with the coordinator role
            approves it exactly as filed, once, before it expires.
            """,
        types: stateType + "\n\n" + yearType + "\n\n" + requestType + "\n\n" + targetType,
        methods: [
            Approval.list.spec,
            Approval.get.spec,
            Approval.file.spec,
            Approval.approve.spec,
            Approval.reject.spec,
            Approval.cancel.spec,
        ],
        errors: """
            # No request with this id.
            error RequestNotFound (id: int, message: string)

            # The request was already approved, rejected, cancelled, or has expired.
            error RequestNotPending (id: int, status: RequestStatus, message: string)

            # The year already has a pending request.
            error RequestPending (year: string, request: int, message: string)

            # The approver filed the request: a different person must approve it.
            error SelfApproval (id: int, message: string)

            # The year changed since the request was filed.
            error YearChanged (id: int, requestedVersion: int, currentVersion: int, message: string)

            # The stored request is not what the approver reviewed.
            error PayloadMismatch (id: int, expected: string, actual: string, message: string)

            # Only the requester may cancel a request.
            error NotRequester (id: int, requesterUid: int, message: string)

            # The year's readiness report has errors of these checks, not accepted (see io.yeard.Checks.Readiness).
            error NotReady (year: string, target: ReadinessTarget, blocking: [](check: string, count: int), message: string)
            """)

    /// The roles that see findings (they name students): those who run the year, control data or keep records.
    public static let findingReaders: Set<Role> = [.coordinator, .admin, .secretary, .auditor]

    /// What a readiness report is for (in io.yeard.Checks and io.yeard.Approval).
    static let targetType = """
        # The transition a readiness report is for: a year's start or its close.
        type ReadinessTarget (start, close)
        """

    static let runType = """
        # How bad a finding is.
        type Severity (error, warning)

        # One thing a check found. entity_id is the external id of the student, guardian, staff member, class, grade,
        # teacher or room; with "/" and a subject or a slot (weekday-period) when one entity can have several.
        # message is the English sentence; params, what it names, for a client to say it in another language.
        type Finding (
          check: string,
          severity: Severity,
          entity_kind: string,
          entity_id: string,
          class: ?string,
          message: string,
          params: ?[string]string
        )

        # Why checks ran: asked for, on the schedule, for a readiness report, or for an approval.
        type RunCause (manual, schedule, readiness, approval)

        # A stored run of checks.
        type CheckRun (
          id: int,
          school: string,
          year: string,
          startedAt: string,
          finishedAt: string,
          durationMs: int,
          cause: RunCause,
          checks: []string,
          errors: int,
          warnings: int,
          findings: []Finding
        )
        """

    /// `io.yeard.Checks`: the data-quality checks, their runs and the readiness reports.
    public static let checks = VarlinkInterface(
        name: "io.yeard.Checks",
        doc: """
            Named data-quality checks over a school's registry and year: run on demand or on the school's schedule,
            every run kept, the difference between runs, and the readiness report that gates a year's transitions.
            """,
        types: runType + "\n\n" + targetType + "\n\n" + """
            # When a check applies: always, before a year's start, or before its close.
            type CheckPhase (always, start, close)

            # The formats a run or a readiness report can be rendered in.
            type ReportFormat (text, csv, json, html)

            # A check of the catalogue; severity is as configured.
            type Check (
              id: string,
              phase: CheckPhase,
              severity: Severity,
              defaultSeverity: Severity,
              entityKind: string,
              summary: string
            )

            # The findings of one check in a readiness report; blocking when it is an error not accepted.
            type CheckCount (
              check: string,
              severity: Severity,
              count: int,
              blocking: bool
            )

            # The findings of one class in a readiness report (class absent: findings of no class).
            type ClassCount (
              class: ?string,
              errors: int,
              warnings: int
            )
            """,
        methods: [
            Checks.list.spec,
            Checks.run.spec,
            Checks.last.spec,
            Checks.diff.spec,
            Checks.readiness.spec,
        ],
        errors: "")

    /// `io.yeard.Audit`: the tamper-evident log of every change and refusal.
    public static let audit = VarlinkInterface(
        name: "io.yeard.Audit",
        doc: """
            The audit log: every change and every refused change, each row chained to the one before by
            hash = SHA-256(prevHash + canonical row).
            """,
        types: """
            # One row of the audit log. details is canonical JSON text.
            type Entry (
              seq: int,
              at: string,
              uid: int,
              user: string,
              role: string,
              school: ?string,
              action: string,
              target: string,
              details: string,
              prevHash: string,
              hash: string
            )
            """,
        methods: [
            Audit.list.spec,
            Audit.verify.spec,
        ],
        errors: "")

    /// The roles that import something (each kind has its own writer, checked when the kind is known).
    public static let registryWriters: Set<Role> = [.secretary, .admin, .teacher]

    /// The kinds of order, as a Varlink enum (in io.yeard.Registry and io.yeard.Rollover).
    static let orderKindType = """
        # The kind of an order (domain.md §5).
        type OrderKind (
          enrollment, transfer_in, class_change, withdrawal, transfer_out, graduation, promotion,
          conditional_promotion, retention, adapted_programme
        )
        """

    /// The outcomes of a year, as a Varlink enum (in io.yeard.Rollover and io.yeard.Reports).
    static let outcomeType = """
        # The outcome of a student's year (domain.md §4).
        type PromotionOutcome (promoted, conditional, retained, adapted, graduated, left, transferred)
        """

    /// The reply of every method that writes registry rows (Import, Record, IssueOrder): what was read and written.
    static let importReply = """
        (kind: RegistryKind, fileName: string, sha256: string, year: ?string, rows: int, added: int, changed: int, \
        unchanged: int, dryRun: bool, applied: bool, problems: []Problem, problemCount: int, extraColumns: []string, \
        encoding: ?TextEncoding, sheet: ?string, warnings: ?[]Problem, warningCount: ?int)
        """

    /// `io.yeard.Registry`: the school registry, loaded from and written to CSV.
    public static let registry = VarlinkInterface(
        name: "io.yeard.Registry",
        doc: """
            The school registry: students, staff, subjects, classes and the rest, imported from CSV files all or
            nothing and exported in the same format (docs/formats.md). A file goes up in parts with Upload, then
            Import checks every row and writes the file in one transaction, or writes nothing and lists the problems.
            """,
        types: orderKindType + "\n\n" + """
            # The encoding a file was read in (Import's reply; Import's encoding parameter names one): UTF-8,
            # Windows-1251 (Russian Excel's CSV), UTF-16 little or big endian with a byte-order mark.
            type TextEncoding (utf8, windows1251, utf16le, utf16be)

            # The kinds of registry file (docs/formats.md).
            type RegistryKind (
              students, guardians, staff, subjects, classes, curriculum, assignments, schedule, grades, decisions,
              consents, applications, orders, certificates, retakes, periods
            )

            # One line of the book of student movement: a class of a year (both absent: the school) over a
            # period; start + arrived - left = end. orders are the orders behind the movement, in date order.
            type MovementLine (
              class: ?string,
              year: ?string,
              start: int,
              arrived: int,
              left: int,
              end: int,
              orders: []string
            )

            # A problem of an imported file: 1-based line and column (0: the whole row or file; line 0: a file that
            # cannot be read at all), the column's name; in a workbook the sheet, its row number and column (1: A).
            type Problem (
              line: int,
              column: int,
              field: ?string,
              message: string,
              params: ?[string]string,
              sheet: ?string
            )
            """,
        methods: [
            Registry.upload.spec,
            Registry.`import`.spec,
            Registry.movement.spec,
            Registry.issueOrder.spec,
            Registry.record.spec,
            Registry.updateContact.spec,
            Registry.export.spec,
        ],
        errors: """
            # The file has problems; nothing was written.
            error ImportRefused (file: string, problems: []Problem, problemCount: int, message: string)

            # No upload with this id belongs to the caller (or it expired).
            error UploadNotFound (upload: string, message: string)
            """)

    /// `io.yeard.Rollover`: the plan of closing a year and opening the next, its request, and its undo.
    public static let rollover = VarlinkInterface(
        name: "io.yeard.Rollover",
        doc: """
            The year rollover of a school: where every active student goes, which classes the new year has and its
            dates, as a plan with a SHA-256 hash. An admin requests it (Request) when the year is closing; a
            different person with the coordinator role approves it with io.yeard.Approval.Approve, which
            recomputes the plan, refuses it if the data changed (PlanStale), and applies it in one transaction. An
            applied rollover is undone the same way (Undo) while the new year holds nothing made after it.
            """,
        types: stateType + "\n\n" + requestType + "\n\n" + orderKindType + "\n\n" + outcomeType + "\n\n" + """
            # One old class and where it goes (to absent: it closes), with the students who follow it.
            type PlanClass (
              from: string,
              to: ?string,
              students: int
            )

            # One class of the new year: source is the old class whose profile, type, class teacher, capacity and
            # teaching assignments it carries (as the carry-over switches say); existing: the next year had it;
            # class_teacher: the class teacher's name as the staff file gives it.
            type PlanNewClass (
              name: string,
              source: ?string,
              existing: bool,
              profile: ?string,
              class_type: ?string,
              class_teacher_id: ?string,
              class_teacher: ?string,
              capacity: ?int,
              students: int
            )

            # One active student's line: outcome (absent: no decision), the class left and the class joined (absent:
            # the student leaves the school), and why the student cannot be placed (absent: placed); the kind of
            # the year-end order that carries the outcome out, and the last day of the student's grade.
            type PlanStudent (
              student_id: string,
              name: string,
              outcome: ?PromotionOutcome,
              from_class: string,
              to_class: ?string,
              reason: ?string,
              debts: ?string,
              deadline: ?string,
              order_kind: ?OrderKind,
              last_day: ?string
            )

            # A plan's errors, warnings and summary lines are also Notes (declared with Request above): each a code
            # and what it names, for a client to say in its language, beside the same sentences in English.

            # One accepted first-grade application and the class it joins (absent, with a reason: not placed).
            type PlanAdmission (
              application_id: string,
              name: string,
              to_class: ?string,
              reason: ?string
            )

            # Where a rollover stands.
            type RolloverState (applied, undone)

            # An applied (or undone) rollover.
            type Rollover (
              id: int,
              school: string,
              from_year: int,
              to_year: string,
              to_year_id: ?int,
              request: int,
              plan_hash: string,
              state: RolloverState,
              applied_at: string,
              undone_at: ?string,
              summary: []string
            )
            """,
        methods: [
            Rollover.plan.spec,
            Rollover.map.spec,
            Rollover.request.spec,
            Rollover.undo.spec,
            Rollover.list.spec,
        ],
        errors: """
            # The plan has errors (students who cannot be placed, classes over capacity); nothing was filed.
            error PlanHasErrors (year: string, errors: []string, notes: ?[]Note, message: string)

            # The data changed since the rollover request was filed; the admin must review the plan and request again.
            error PlanStale (id: int, filed: string, current: string, message: string)

            # The new year holds changes made after the rollover, which therefore cannot be undone.
            error ChangedSince (rollover: int, changes: []string, notes: ?[]Note, message: string)
            """)

    /// `io.yeard.Backup`: online backups of the database on demand.
    public static let backup = VarlinkInterface(
        name: "io.yeard.Backup",
        doc: """
            Online backups of the whole database into the state directory's backups/ (SQLite's backup API while
            reads and writes go on; each copy passes integrity_check, is fsynced and renamed into place). They hold
            every school's data, so they need the role at every school.
            """,
        types: """
            # A backup file: its name in the backups directory, its size, and when it was written (UTC).
            type Backup (
              name: string,
              path: string,
              bytes: int,
              createdAt: string
            )
            """,
        methods: [
            Backup.create.spec,
            Backup.list.spec,
        ],
        errors: "")

    /// Who produces the reports for the authorities and the school's documents (the school order: the coordinator
    /// hands reports to the education authorities; the secretary keeps the exact number of students).
    public static let reportReaders: Set<Role> = [.coordinator, .admin, .secretary, .auditor]

    /// `io.yeard.Reports`: the reports schools hand to the education authorities.
    public static let reports = VarlinkInterface(
        name: "io.yeard.Reports",
        doc: """
            The reports a school hands to the education authorities and the documents it signs, computed from the
            registry that the checks and the rollover trust: the student section of the statistical form OO-1
            (docs/reports.md says which rows yeard fills and which it cannot know) and the orders with their lists
            of students. Clients render them as text, CSV, an Excel workbook or HTML.
            """,
        types: orderKindType + "\n\n" + outcomeType + "\n\n" + """
            # A sentence as a code and what it names, for a client to say in its language.
            type Note (code: string, params: [string]string)

            # A line of OO-1: a class (class set), a grade (grade set, class absent) or the school (both absent):
            # classes counted, students, of them girls, on adapted programmes, repeating the grade.
            type OO1Line (
              grade: ?int,
              class: ?string,
              classes: int,
              students: int,
              girls: int,
              adapted: int,
              repeaters: int
            )

            # Students of one age (full years on the report's ageOn; the 5 and 18 rows hold the younger and older)
            # in one grade, and of them girls. No age: the students with no birth date on record (the check
            # student.birth-date-missing names them), counted in every other figure.
            type OO1Age (age: ?int, grade: int, students: int, girls: int)

            # The student section of OO-1 for one school on date (20 September by default). (Not named OO1:
            # types and methods share one namespace in an interface; so MovementBookReport.)
            type OO1Report (
              school: string,
              schoolName: string,
              year: string,
              date: string,
              ageOn: string,
              grades: []OO1Line,
              classes: []OO1Line,
              ages: []OO1Age,
              total: OO1Line
            )

            # A school a report for several schools leaves out, and why.
            type SkippedSchool (school: string, message: string, note: ?Note)

            # A student an order concerns: the class left and the class joined (an arrival only joins, a
            # departure only leaves), the day it takes effect for them, for a departure where they go, and the
            # basis of their line (an order's basis is absent when its students' differ).
            type OrderStudent (
              id: string,
              name: string,
              classFrom: ?string,
              classTo: ?string,
              effectiveOn: string,
              destination: ?string,
              basis: ?string
            )

            # An order as the document that is signed: number, date, kind, the days it takes effect on, its basis
            # (with the pedagogical council's order when it is one), its year, and its students by class and name.
            type OrderDocument (
              number: string,
              date: string,
              kind: OrderKind,
              effectiveFrom: string,
              effectiveTo: string,
              basis: ?string,
              basisOrderNo: ?string,
              basisOrderDate: ?string,
              year: string,
              students: []OrderStudent
            )

            # Who signs a school's documents (director and director_title of the school in yeard.toml).
            type Signatory (title: ?string, name: string)

            # An arrival in or a departure from a class: the student, the day (an arrival's first day in the
            # class, a departure's first day away), the order's kind, number and date (absent: loaded by an import),
            # the other class of a move between classes, and a departure's destination.
            type MovementEntry (
              student: string,
              name: string,
              date: string,
              kind: ?OrderKind,
              orderNo: ?string,
              orderDate: ?string,
              otherClass: ?string,
              destination: ?string
            )

            # One class's part of the movement book: start + len(arrived) - len(left) = end.
            type MovementBookClass (
              class: string,
              year: string,
              start: int,
              end: int,
              arrived: []MovementEntry,
              left: []MovementEntry
            )

            # The school's line: arrived in and left the school (moves between classes and year-end continuations
            # are neither).
            type MovementBookTotal (start: int, arrived: int, left: int, end: int)

            # The book of student movement of one school for a period (years: the labels of the years it meets).
            type MovementBookReport (
              school: string,
              schoolName: string,
              years: string,
              from: string,
              to: string,
              classes: []MovementBookClass,
              total: MovementBookTotal
            )

            # A subject of the summary sheet.
            type SummarySubject (id: string, name: string)

            # A student's line of the summary sheet: year grades by subject id (2-5, pass, fail, exempt; a subject
            # without a grade is absent), the pedagogical council's decision with its order, an academic debt.
            type SummaryStudent (
              id: string,
              name: string,
              grades: [string]string,
              outcome: ?PromotionOutcome,
              orderNo: ?string,
              orderDate: ?string,
              debts: ?string
            )

            # One class of the summary sheet: its subjects across (the curriculum, then any other graded one) and
            # the students who finished the year in it, by name.
            type SummaryClass (
              class: string,
              grade: int,
              profile: ?string,
              teacher: ?string,
              subjects: []SummarySubject,
              students: []SummaryStudent
            )

            # The summary sheet of year grades and promotion of one school's year.
            type SummarySheetReport (school: string, schoolName: string, year: string, classes: []SummaryClass)

            # A legal representative of a student, who signs the consent for them.
            type ConsentGuardian (id: string, name: string, relation: ?string, phone: ?string, email: ?string)

            # A student and the personal-data consent: signedOn and formVersion of the consent in force on the day
            # (absent: none), the day the last one was withdrawn, and the guardians who sign.
            type ConsentStudent (
              id: string,
              name: string,
              birthDate: ?string,
              class: string,
              signedOn: ?string,
              formVersion: ?string,
              withdrawnOn: ?string,
              guardians: []ConsentGuardian
            )

            # The students of a school's year on a day and their consents (by class and name).
            type ConsentsReport (school: string, schoolName: string, year: string, date: string, students: []ConsentStudent)

            # The orders of one school's year (signatory absent: not configured, the line is left blank).
            type OrdersReport (
              school: string,
              schoolName: string,
              year: string,
              signatory: ?Signatory,
              orders: []OrderDocument
            )
            """,
        methods: [
            Reports.oo1.spec,
            Reports.orders.spec,
            Reports.movementBook.spec,
            Reports.summarySheet.spec,
            Reports.consents.spec,
        ],
        errors: "")

    /// Every interface the daemon serves.
    public static let interfaces: [VarlinkInterface] = [
        service, year, approval, audit, registry, checks, rollover, backup, reports,
    ]

    /// Every method, by fully qualified name.
    public static let methods: [String: MethodSpec] = Dictionary(
        uniqueKeysWithValues: interfaces.flatMap(\.methods).map { ($0.fullName, $0) })

    /// The interface named `name`, if the daemon serves it.
    public static func interface(named name: String) -> VarlinkInterface? {
        interfaces.first { $0.name == name }
    }
}

extension YeardAPI {
    /// The methods of `org.varlink.service`.
    public enum Service {
        /// `org.varlink.service.GetInfo`.
        public static let getInfo = Method<NoParameters, ServiceInfoReply>(
            "org.varlink.service", "GetInfo", parameters: "()",
            reply: "(vendor: string, product: string, version: string, url: string, interfaces: []string)",
            doc: "Get a list of all the interfaces a service provides and information\nabout the implementation.",
            roles: [], mutating: false, scope: .service)

        /// `org.varlink.service.GetInterfaceDescription`.
        public static let getInterfaceDescription = Method<InterfaceDescriptionParameters, InterfaceDescriptionReply>(
            "org.varlink.service", "GetInterfaceDescription", parameters: "(interface: string)",
            reply: "(description: string)",
            doc: "Get the description of an interface that is implemented by this service.",
            roles: [], mutating: false, scope: .service)
    }

    /// The methods of `io.yeard.Year`.
    public enum Year {
        /// `io.yeard.Year.Status`.
        public static let status = Method<NoParameters, StatusReply>(
            "io.yeard.Year", "Status", parameters: "()",
            reply: "(version: string, uptimeSeconds: int, auditHead: ?string, schools: []SchoolStatus)",
            doc: """
                Each visible school's active year, the years being prepared and the requests waiting; the audit
                head only to callers who see every school.
                """,
            roles: anyRole, mutating: false, scope: .allVisible)

        /// `io.yeard.Year.ListSchools`.
        public static let listSchools = Method<NoParameters, SchoolListReply>(
            "io.yeard.Year", "ListSchools", parameters: "()", reply: "(schools: []School)",
            doc: "The configured schools where the caller holds a role.",
            roles: anyRole, mutating: false, scope: .allVisible)

        /// `io.yeard.Year.List`.
        public static let list = Method<SchoolFilterParameters, YearListReply>(
            "io.yeard.Year", "List", parameters: "(school: ?string)", reply: "(years: []Year)",
            doc: "The years of one school, or of every visible school, newest first.",
            roles: anyRole, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Year.Get`.
        public static let get = Method<IDParameters, YearReply>(
            "io.yeard.Year", "Get", parameters: "(id: int)", reply: "(year: Year)",
            doc: "One year.", roles: anyRole, mutating: false, scope: .year(\.id))

        /// `io.yeard.Year.Create`.
        public static let create = Method<YearCreateParameters, YearReply>(
            "io.yeard.Year", "Create",
            parameters:
                "(school: ?string, label: string, startDate: ?string, endDate: ?string, gradeEnds: ?[]GradeEnd)",
            reply: "(year: Year)",
            doc: """
                Create the year label (2026/2027) in state open. Dates are YYYY-MM-DD and default to the
                school's configured ones, the grades' own last days too (grade_end); gradeEnds adds to or
                overrides those. school may be omitted when the instance serves one school.
                """,
            roles: [.admin], mutating: true, scope: .school(required: true, \.school))
    }

    /// The methods of `io.yeard.Approval`.
    public enum Approval {
        /// `io.yeard.Approval.List`.
        public static let list = Method<RequestListParameters, RequestListReply>(
            "io.yeard.Approval", "List", parameters: "(school: ?string, status: ?RequestStatus)",
            reply: "(requests: []ApprovalRequest)", doc: "Requests, newest first, optionally of one school and status.",
            roles: anyRole, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Approval.Get`.
        public static let get = Method<IDParameters, RequestReply>(
            "io.yeard.Approval", "Get", parameters: "(id: int)", reply: "(request: ApprovalRequest)",
            doc: "One request, with the payload hash an approver should check.",
            roles: anyRole, mutating: false, scope: .request(\.id))

        /// `io.yeard.Approval.File`.
        public static let file = Method<FileRequestParameters, RequestReply>(
            "io.yeard.Approval", "File", parameters: "(year: int, event: string, reason: ?string)",
            reply: "(request: ApprovalRequest)",
            doc: "Request a transition of a year: event is start, begin-closing or reopen (reopen needs a reason).",
            roles: [.admin], mutating: true, scope: .year(\.year))

        /// `io.yeard.Approval.Approve`.
        public static let approve = Method<ApproveParameters, ApproveReply>(
            "io.yeard.Approval", "Approve",
            parameters: "(id: int, reason: ?string, payloadHash: ?string, accept: ?[]string)",
            reply: "(request: ApprovalRequest, year: Year)",
            doc: """
                Approve a pending request and execute its transition in the same transaction. Give payloadHash
                (from Get) to be sure that what runs is exactly what you reviewed. Starting a year runs its
                readiness checks first and is refused (NotReady) while they find errors, unless each error check
                is named in accept, with a reason; accepted checks are audited.
                """,
            roles: [.coordinator], mutating: true, scope: .request(\.id))

        /// `io.yeard.Approval.Reject`.
        public static let reject = Method<DecisionParameters, RequestReply>(
            "io.yeard.Approval", "Reject", parameters: "(id: int, reason: string)", reply: "(request: ApprovalRequest)",
            doc: "Reject a pending request (a reason is required).",
            roles: [.coordinator], mutating: true, scope: .request(\.id))

        /// `io.yeard.Approval.Cancel`.
        public static let cancel = Method<DecisionParameters, RequestReply>(
            "io.yeard.Approval", "Cancel", parameters: "(id: int, reason: ?string)",
            reply: "(request: ApprovalRequest)",
            doc: "Cancel your own pending request.",
            roles: [.admin], mutating: true, scope: .request(\.id))
    }

    /// The methods of `io.yeard.Checks`.
    public enum Checks {
        /// `io.yeard.Checks.List`.
        public static let list = Method<NoParameters, CheckListReply>(
            "io.yeard.Checks", "List", parameters: "()", reply: "(checks: []Check)",
            doc: "The catalogue of checks, with the severities this instance gives them.",
            roles: anyRole, mutating: false, scope: .allVisible)

        /// `io.yeard.Checks.Run`.
        public static let run = Method<CheckRunParameters, CheckRunReply>(
            "io.yeard.Checks", "Run",
            parameters:
                "(school: ?string, year: ?string, checks: ?[]string, format: ?ReportFormat, language: ?string)",
            reply: "(run: CheckRun, rendered: ?string)",
            doc: """
                Run checks (default: the whole catalogue) over a year of a school (default: its active year, else
                its only open one), keep the run and return it; with format (text, csv, json or html), also the
                run rendered as a report for people, in language (en, ru: an installed catalogue; default English;
                json is the same in every language).
                """,
            roles: [.coordinator, .admin], mutating: true, scope: .school(required: true, \.school))

        /// `io.yeard.Checks.Last`.
        public static let last = Method<CheckLastParameters, CheckLastReply>(
            "io.yeard.Checks", "Last",
            parameters: "(school: ?string, year: ?string, format: ?ReportFormat, language: ?string)",
            reply: "(run: ?CheckRun, rendered: ?string)",
            doc: """
                The last run of a school (of a year, when given), scheduled or not; with format (text, csv, json
                or html), also rendered as a report for people, in language (as for Run).
                """,
            roles: findingReaders, mutating: false, scope: .school(required: true, \.school))

        /// `io.yeard.Checks.Diff`.
        public static let diff = Method<CheckLastParameters, CheckDiffReply>(
            "io.yeard.Checks", "Diff", parameters: "(school: ?string, year: ?string)",
            reply: "(run: CheckRun, previous: ?int, new: []Finding, resolved: []Finding)",
            doc: """
                What changed between the last run and the one before it of the same year: findings that are new,
                and findings of checks the last run ran again that are gone.
                """,
            roles: findingReaders, mutating: false, scope: .school(required: true, \.school))

        /// `io.yeard.Checks.Readiness`.
        public static let readiness = Method<ReadinessParameters, ReadinessReply>(
            "io.yeard.Checks", "Readiness",
            parameters:
                "(school: ?string, year: ?string, target: ReadinessTarget, format: ?ReportFormat, language: ?string)",
            reply: """
                (ready: bool, target: ReadinessTarget, year: string, run: CheckRun, blocking: []string, byCheck: []CheckCount, \
                byClass: []ClassCount, rendered: ?string)
                """,
            doc: """
                Run the checks that apply before a year's start (target start) or close (target close) and say
                whether it is ready: errors block, warnings never do; findings are counted by check and by class.
                With format (text, csv, json or html), also the report rendered for people, in language (as for Run).
                """,
            roles: [.coordinator, .admin], mutating: true, scope: .school(required: true, \.school))
    }

    /// The methods of `io.yeard.Audit`.
    public enum Audit {
        /// `io.yeard.Audit.List`.
        public static let list = Method<AuditListParameters, AuditListReply>(
            "io.yeard.Audit", "List", parameters: "(after: ?int, limit: ?int, school: ?string)",
            reply: "(entries: []Entry)",
            doc:
                "Rows after the sequence after (default 0), oldest first, at most limit (default 100, at most 1000).",
            roles: auditReaders, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Audit.Verify`.
        public static let verify = Method<NoParameters, AuditVerifyReply>(
            "io.yeard.Audit", "Verify", parameters: "()",
            reply: "(intact: bool, rows: int, head: ?string, brokenAt: ?int, reason: ?string)",
            doc:
                "Recompute the whole chain; name the first row that does not hold (needs the role at every school).",
            roles: auditReaders, mutating: false, scope: .everySchool)
    }

    /// The methods of `io.yeard.Registry`.
    public enum Registry {
        /// `io.yeard.Registry.Upload`.
        public static let upload = Method<UploadParameters, UploadReply>(
            "io.yeard.Registry", "Upload", parameters: "(upload: ?string, data: string)",
            reply: "(upload: string, bytes: int)",
            doc: """
                Append data (base64, at most 512 KiB decoded per call) to the upload, or start one when upload is
                omitted. An upload belongs to its uploader and is kept for an hour after its last part.
                """,
            roles: registryWriters, mutating: false, scope: .allVisible)

        /// `io.yeard.Registry.Import`.
        public static let `import` = Method<ImportParameters, ImportReply>(
            "io.yeard.Registry", "Import",
            parameters:
                "(kind: RegistryKind, upload: string, school: ?string, year: ?string, fileName: string, sha256: ?string, dryRun: ?bool, asOf: ?string, encoding: ?TextEncoding, sheet: ?string)",
            reply: importReply,
            doc: """
                Import an uploaded file of a kind (staff, subjects, classes, students, orders, guardians, consents,
                applications, curriculum, assignments, schedule, grades, decisions, certificates, retakes) into a
                school and, for year-scoped kinds, a year (its id or label; default: the active year, else the
                only open one). The kind's writer role is needed: secretary for people, orders, decisions,
                certificates and retakes, admin
                for subjects, classes, curriculum, assignments and the schedule, teacher for grades (own
                assignments only). dryRun reports the counts and problems without writing. sha256, when given, must
                match the upload. A file is compared with the registry as it is on asOf (default: today in the
                school's time zone, within the year): a student's class in the file with the class they are in on
                that day, whatever orders take effect later. The file's encoding is found from its bytes (UTF-8,
                Windows-1251, UTF-16 with a byte-order mark) unless encoding names it; the reply says which was read.
                An Excel workbook (.xlsx, found from its bytes) is read from the sheet named by sheet (default: the
                first): its header is the first row naming every required column, and problems name their cells
                (sheet, row and column). A formula's value is read as the workbook last saved it and said in
                warnings; an .xls or a password-protected workbook is refused with what to do.
                """,
            roles: registryWriters, mutating: true, scope: .school(required: true, \.school),
            access: .kindWriter(\.kind))

        /// `io.yeard.Registry.Movement`.
        public static let movement = Method<MovementParameters, MovementReply>(
            "io.yeard.Registry", "Movement",
            parameters: "(school: ?string, year: ?string, from: string, to: string, class: ?string)",
            reply: """
                (school: string, year: string, from: string, to: string, classes: []MovementLine, total: MovementLine)
                """,
            doc: """
                The book of student movement from one day to another (both included): per class and for the
                school, the count at the start, arrivals, departures and the count at the end, with the orders
                behind them. from = to gives the exact count on a day (20 September: the OO-1 figures). The
                classes are the named year's, else those of every year the period meets; the school's line
                spans years, a year-end continuation (promotion, retention) being neither an arrival nor a
                departure, and a year's opening roll its start.
                """,
            roles: anyRole, mutating: false, scope: .school(required: true, \.school))

        /// `io.yeard.Registry.IssueOrder`.
        public static let issueOrder = Method<IssueOrderParameters, ImportReply>(
            "io.yeard.Registry", "IssueOrder",
            parameters: """
                (school: ?string, year: ?string, orderNo: string, orderDate: string, kind: OrderKind, \
                studentId: string, classFrom: ?string, classTo: ?string, effectiveOn: ?string, basis: ?string, \
                destination: ?string)
                """,
            reply: importReply,
            doc: """
                Record one order for one student and apply it to the enrollments: enrollment, withdrawal,
                transfer_in, transfer_out, class_change, graduation (or the year-end promotion,
                conditional_promotion, retention and adapted_programme, recorded only: the rollover moves
                students into the next year). Checked as a row of an orders file; the secretary's role.
                """,
            roles: [.secretary], mutating: true, scope: .school(required: true, \.school))

        /// `io.yeard.Registry.Record`.
        public static let record = Method<RecordParameters, ImportReply>(
            "io.yeard.Registry", "Record",
            parameters: "(kind: RegistryKind, school: ?string, year: ?string, values: [string]string)",
            reply: importReply,
            doc: """
                Record one row of a kind (values by CSV column name): a final grade, a decision, a consent or its
                withdrawal, a guardian. Checked exactly as a one-row file of that kind, with the same roles.
                """,
            roles: registryWriters, mutating: true, scope: .school(required: true, \.school),
            access: .kindWriter(\.kind))

        /// `io.yeard.Registry.UpdateContact`.
        public static let updateContact = Method<UpdateContactParameters, UpdateContactReply>(
            "io.yeard.Registry", "UpdateContact",
            parameters: "(school: ?string, studentId: string, guardianId: string, phone: ?string, email: ?string)",
            reply: "(changed: bool)",
            doc: """
                Change a guardian's phone or email: the secretary's, or the class teacher's for the students of
                the class they lead (their login is a staff member's).
                """,
            roles: [.secretary, .teacher], mutating: true, scope: .school(required: true, \.school),
            access: .roleOrClassTeacher(.secretary, student: \.studentId))

        /// `io.yeard.Registry.Export`.
        public static let export = Method<ExportParameters, ExportReply>(
            "io.yeard.Registry", "Export",
            parameters:
                "(kind: RegistryKind, school: ?string, year: ?string, after: ?string, limit: ?int, raw: ?bool)",
            reply: "(csv: string, next: ?string)",
            doc: """
                One page of a kind in its CSV format (the header on the first page); pass next as after for the
                following page. Pages follow the rows' keys, so writes between pages neither repeat nor drop rows.
                A field that starts with =, +, - or @ (not a number) is written after a ' so that a spreadsheet
                shows it as text instead of running it; the import drops that '. raw writes fields as stored.
                Students are written with the class they are in today (within the year's days), so that an
                export imports back unchanged on the same day.
                """,
            roles: anyRole, mutating: false, scope: .school(required: true, \.school))
    }

    /// The methods of `io.yeard.Rollover`.
    public enum Rollover {
        /// `io.yeard.Rollover.Plan`.
        public static let plan = Method<RolloverPlanParameters, RolloverPlanReply>(
            "io.yeard.Rollover", "Plan", parameters: "(school: ?string, year: ?string)",
            reply: """
                (school: string, from_year: string, to_year: string, to_start: string, to_end: string, \
                plan_hash: string, summary: [string]int, lines: []string, classes: []PlanClass, \
                new_classes: []PlanNewClass, students: []PlanStudent, admissions: []PlanAdmission, \
                carry: [string]bool, errors: []string, problems: int, warnings: []string, \
                error_notes: []Note, warning_notes: []Note, line_notes: []Note)
                """,
            doc: """
                Preview the rollover of a year in progress or closing (default: the school's active year): every
                student's outcome, year-end order kind and target class, the class mapping, the new year's
                classes with what they carry over, the first grades formed from accepted applications, the new
                year's dates, and the plan's hash. Every error of the plan is a sentence in errors; problems
                counts them; warnings name what does not block it (a first grader outside the admission age).
                """,
            roles: findingReaders, mutating: false, scope: .school(required: true, \.school))

        /// `io.yeard.Rollover.Map`.
        public static let map = Method<RolloverMapParameters, RolloverMapReply>(
            "io.yeard.Rollover", "Map",
            parameters: "(school: ?string, year: ?string, from: string, to: ?string, teacherFrom: ?string)",
            reply: "(overrides: [string]string)",
            doc: """
                Store the override that sends old class from to class to of the next year (a merge, split,
                rename or new class: 9Б -> 10А); without to, remove it. In a merge, teacherFrom names the old
                class whose class teacher, profile and assignments to keeps (by default the first). Replies with
                every override of the year.
                """,
            roles: [.admin], mutating: true, scope: .school(required: true, \.school))

        /// `io.yeard.Rollover.Request`.
        public static let request = Method<RolloverRequestParameters, RequestReply>(
            "io.yeard.Rollover", "Request", parameters: "(school: ?string, year: ?string, reason: ?string)",
            reply: "(request: ApprovalRequest)",
            doc: """
                File the rollover of a closing year for approval: the request carries the plan's hash and
                summary. Refused (PlanHasErrors) while the plan has errors.
                """,
            roles: [.admin], mutating: true, scope: .school(required: true, \.school))

        /// `io.yeard.Rollover.Undo`.
        public static let undo = Method<RolloverRequestParameters, RequestReply>(
            "io.yeard.Rollover", "Undo", parameters: "(school: ?string, year: ?string, reason: string)",
            reply: "(request: ApprovalRequest)",
            doc: """
                File the undo of the rollover that closed year (default: the school's latest applied rollover)
                for approval. Refused (ChangedSince, listing the changes) while the new year holds changes made
                after the rollover.
                """,
            roles: [.admin], mutating: true, scope: .school(required: true, \.school))

        /// `io.yeard.Rollover.List`.
        public static let list = Method<SchoolFilterParameters, RolloverListReply>(
            "io.yeard.Rollover", "List", parameters: "(school: ?string)", reply: "(rollovers: []Rollover)",
            doc: "The rollovers of a school, newest first.",
            roles: anyRole, mutating: false, scope: .school(required: true, \.school))
    }

    /// The methods of `io.yeard.Reports`.
    public enum Reports {
        /// `io.yeard.Reports.OO1`.
        public static let oo1 = Method<OO1Parameters, OO1Reply>(
            "io.yeard.Reports", "OO1",
            parameters: "(school: ?string, year: ?string, date: ?string, allSchools: ?bool)",
            reply: "(reports: []OO1Report, skipped: []SkippedSchool)",
            doc: """
                The student section of the statistical form OO-1: students by grade and class at the end of date
                (default: 20 September of the year; it must be one of the year's days), of them girls, on adapted
                programmes and repeating the grade, classes per grade, and students by age (full years on 1 January
                of the next year) and grade. The counts are those of the movement book on that day. With
                allSchools, one report per school the caller may see; a school without such a year is skipped.
                """,
            roles: reportReaders, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Reports.Orders`.
        public static let orders = Method<OrdersParameters, OrdersReply>(
            "io.yeard.Reports", "Orders",
            parameters: "(school: ?string, year: ?string, number: ?string, kind: ?OrderKind)",
            reply: "(report: OrdersReport)",
            doc: """
                The orders of a year as the documents that are signed: each order's number, date, kind and basis and
                the students it concerns by class (a rollover's promotion order lists every promoted student, its
                graduation order every graduate), with the school's signatory. number names one order; kind keeps
                the orders of one kind. Names persons: each call is recorded in the audit log (report.generate).
                """,
            roles: reportReaders, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Reports.MovementBook`.
        public static let movementBook = Method<MovementParameters, MovementBookReply>(
            "io.yeard.Reports", "MovementBook",
            parameters: "(school: ?string, year: ?string, from: string, to: string, class: ?string)",
            reply: "(book: MovementBookReport)",
            doc: """
                The book of student movement from one day to another (both included) as the school keeps it: per
                class the students at the start, each arrival and each departure with its order (a departure with
                its destination), the students at the end; and the school's line. The counts are those of
                io.yeard.Registry.Movement for the same period, read in the same transaction as the lists. Names
                persons: each call is recorded in the audit log (report.generate).
                """,
            roles: reportReaders, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Reports.SummarySheet`.
        public static let summarySheet = Method<SummarySheetParameters, SummarySheetReply>(
            "io.yeard.Reports", "SummarySheet",
            parameters: "(school: ?string, year: ?string, class: ?string)",
            reply: "(sheet: SummarySheetReport)",
            doc: """
                The summary sheet of year grades and promotion (kept 25 years): per class the students who finished
                the year in it (or are in it now), the subjects of its curriculum and any other they were graded in,
                each year grade, and the pedagogical council's decision with its order. class keeps one class.
                Names persons: each call is recorded in the audit log (report.generate).
                """,
            roles: reportReaders, mutating: false, scope: .school(required: false, \.school))

        /// `io.yeard.Reports.Consents`.
        public static let consents = Method<ConsentsParameters, ConsentsReply>(
            "io.yeard.Reports", "Consents",
            parameters:
                "(school: ?string, year: ?string, date: ?string, class: ?string, student: ?string, missingOnly: ?bool)",
            reply: "(report: ConsentsReport)",
            doc: """
                The students in a class of the year at the end of date (default: today on the school's clock, kept
                within the year), each with the personal-data consent in force that day (the rule of the check
                consent.missing) and the guardians who sign it: the list of who must still sign (missingOnly) and
                the forms to print for them. class or student narrows it. A teacher reads the class they lead, which
                they must name. Names persons and their contacts: each call is recorded in the audit log
                (report.generate).
                """,
            roles: reportReaders.union([.teacher]), mutating: false, scope: .school(required: false, \.school),
            access: .rolesOrTeacherOfClass(reportReaders, class: \.class))
    }

    /// The methods of `io.yeard.Backup`.
    public enum Backup {
        /// `io.yeard.Backup.Create`.
        public static let create = Method<NoParameters, BackupCreateReply>(
            "io.yeard.Backup", "Create", parameters: "()", reply: "(backup: Backup, seconds: float)",
            doc: """
                Write a backup now (yeard-YYYYMMDD-HHMMSS.sqlite); the newest [backup] keep of them are kept
                (backups taken before rollovers are kept apart).
                """,
            roles: [.admin], mutating: true, scope: .everySchool)

        /// `io.yeard.Backup.List`.
        public static let list = Method<NoParameters, BackupListReply>(
            "io.yeard.Backup", "List", parameters: "()", reply: "(backups: []Backup)",
            doc: "Every backup in the backups directory, newest first (those taken before rollovers too).",
            roles: auditReaders, mutating: false, scope: .everySchool)
    }
}
