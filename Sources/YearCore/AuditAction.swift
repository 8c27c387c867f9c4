/// What an audit row records, by name: the store writes it in the chain, the daemon's journal events carry it in
/// their ACTION field, and `yearctl audit` shows it. One list, so that the two never name one act differently.
public enum AuditAction: Sendable, Hashable, CustomStringConvertible {
    case yearCreate, yearTransition
    case requestFile, requestApprove, requestReject, requestCancel, requestExpire
    case rolloverApply, rolloverUndo, rolloverMap, rolloverUnmap
    case registryImport, registryContact
    case checksRun, backupCreate, integrityCheck, schemaRestore
    /// A report naming persons was produced (who saw whose data, 152-FZ).
    case reportGenerate
    case schoolAdd, schoolUpdate, schoolUnconfigure, configGrants
    /// A refused call of `method` (mutating, or a permission denial).
    case refused(method: String)
    /// The summary of a caller's refusals past the per-window budget.
    case refusedCounted

    /// The action as the audit row and the journal carry it (`request.approve`, `refused:io.yeard.Year.Create`).
    public var description: String {
        switch self {
        case .yearCreate: "year.create"
        case .yearTransition: "year.transition"
        case .requestFile: "request.file"
        case .requestApprove: "request.approve"
        case .requestReject: "request.reject"
        case .requestCancel: "request.cancel"
        case .requestExpire: "request.expire"
        case .rolloverApply: "rollover.apply"
        case .rolloverUndo: "rollover.undo"
        case .rolloverMap: "rollover.map"
        case .rolloverUnmap: "rollover.unmap"
        case .registryImport: "registry.import"
        case .registryContact: "registry.contact"
        case .checksRun: "checks.run"
        case .reportGenerate: "report.generate"
        case .backupCreate: "backup.create"
        case .integrityCheck: "integrity.check"
        case .schemaRestore: "schema.restore"
        case .schoolAdd: "school.add"
        case .schoolUpdate: "school.update"
        case .schoolUnconfigure: "school.unconfigure"
        case .configGrants: "config.grants"
        case .refused(let method): "refused:\(method)"
        case .refusedCounted: "refused.counted"
        }
    }

    /// Every action without a parameter (the refusals are one per method).
    public static let fixed: [AuditAction] = [
        .yearCreate, .yearTransition, .requestFile, .requestApprove, .requestReject, .requestCancel, .requestExpire,
        .rolloverApply, .rolloverUndo, .rolloverMap, .rolloverUnmap, .registryImport, .registryContact, .checksRun,
        .backupCreate, .integrityCheck, .reportGenerate,
        .schemaRestore, .schoolAdd, .schoolUpdate, .schoolUnconfigure, .configGrants, .refusedCounted,
    ]
}

/// Where a rollover stands: applied, or undone by the approval of its undo.
public enum RolloverState: String, ClosedSet {
    case applied, undone
}
