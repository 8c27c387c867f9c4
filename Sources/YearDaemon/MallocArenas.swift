import CSystemd
import Glibc

/// How many malloc arenas the daemon's threads share.
///
/// glibc gives each thread that finds the arenas busy an arena of its own, up to eight per core, and an arena keeps
/// the memory freed in it for its next allocations. yeard's threads (NIO's event loops, its blocking pool, GRDB's
/// reader queues, the cooperative pool) come and go under load, so under a sustained mix of clients the arenas
/// multiply and each holds the high-water mark of its threads: a 200-client soak of 600 s ended with resident memory
/// 37 % above its start while the memory in use was flat (malloc_stats: 4.4 -> 5.0 MB in use, 26 -> 37 MB held
/// in 16 arenas). With two arenas the same soak holds 15-18 MB and does not grow (docs/reliability.md, "Soak").
/// Contention is no concern on a daemon whose hot paths wait on SQLite, not on malloc.
enum MallocArenas {
    /// The arenas yeard asks for when the environment names none.
    static let count: Int32 = 2

    /// Limits the arenas to `count`, unless the environment already chose (`MALLOC_ARENA_MAX`, or `arena_max` in
    /// `GLIBC_TUNABLES`), which an administrator may set in a drop-in. Call at start-up: glibc makes an arena only when
    /// a thread finds the existing ones busy, so a limit set before the daemon's load holds for its life (arenas
    /// already made stay). Returns whether the limit was set here.
    @discardableResult
    static func limit(environment: [String: String]) -> Bool {
        if environment["MALLOC_ARENA_MAX"] != nil { return false }
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.arena_max") { return false }
        return mallopt(yeard_m_arena_max, count) == 1
    }

    /// Returns to the kernel the memory the arenas hold free (after a job whose allocations are gone): a daemon idle
    /// between nightly jobs should not keep their high-water mark resident.
    static func trim() { _ = malloc_trim(0) }
}
