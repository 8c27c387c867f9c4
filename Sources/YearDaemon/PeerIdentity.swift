import CSystemd
import Foundation
import Glibc
import NIOPosix
import Synchronization
import YearCore

/// Who is at the other end of a Unix socket, as the kernel says: SO_PEERCRED for the uid and gid, SO_PEERGROUPS
/// for the supplementary groups. Names come from the user database by id, never from the request.
enum PeerIdentity {
    /// The caller with the kernel-reported `uid`, `gid` and supplementary `groups` (SO_PEERCRED, SO_PEERGROUPS);
    /// only the names come from the user database, by those ids, never from the request.
    static func caller(uid: UInt32, gid: UInt32, groups: [UInt32]) -> Caller {
        var names = Set(groups.compactMap(groupName))
        if let primary = groupName(gid) { names.insert(primary) }
        return Caller(uid: uid, gid: gid, groups: groups, userName: userName(uid) ?? String(uid), groupNames: names)
    }

    /// The supplementary groups in an SO_PEERGROUPS answer. The kernel returns them sorted and NIO zero-fills the
    /// rest of the buffer, so the list ends at the first 0 after the start; a leading group 0 cannot be told from
    /// padding and is dropped: a grant to gid 0 matches only a caller whose primary group is 0.
    static func groups(from answer: yeard_peer_groups) -> [UInt32] {
        withUnsafeBytes(of: answer.groups) { raw in
            Array(raw.bindMemory(to: gid_t.self).drop { $0 == 0 }.prefix { $0 != 0 })
        }
    }

    /// The user name of `uid`, or nil.
    static func userName(_ uid: UInt32) -> String? {
        withGrowingBuffer { buffer, size in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let status = getpwuid_r(uid, &entry, buffer, size, &result)
            return (status, result == nil ? nil : entry.pw_name.map { String(cString: $0) })
        }
    }

    /// The group name of `gid`, or nil.
    static func groupName(_ gid: UInt32) -> String? {
        withGrowingBuffer { buffer, size in
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            let status = getgrgid_r(gid, &entry, buffer, size, &result)
            return (status, result == nil ? nil : entry.gr_name.map { String(cString: $0) })
        }
    }

    /// The gid of the group `name` (or `name` read as a number), or nil.
    static func groupID(_ name: String) -> UInt32? {
        let found: UInt32? = withGrowingBuffer { buffer, size in
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            let status = getgrnam_r(name, &entry, buffer, size, &result)
            return (status, result == nil ? nil : entry.gr_gid)
        }
        return found ?? UInt32(name)
    }

    /// Runs a reentrant user-database lookup with a buffer that grows while the lookup answers ERANGE (a group
    /// with thousands of members needs more than any fixed size); `body` reads the entry while the buffer lives.
    private static func withGrowingBuffer<Value>(
        _ body: (UnsafeMutablePointer<CChar>, Int) -> (status: Int32, value: Value?)
    ) -> Value? {
        var size = 16384
        while size <= 1 << 24 {
            var buffer = [CChar](repeating: 0, count: size)
            let answer: (status: Int32, value: Value?) = buffer.withUnsafeMutableBufferPointer { pointer in
                guard let base = pointer.baseAddress else { return (EINVAL, nil) }
                return body(base, pointer.count)
            }
            if answer.status != ERANGE { return answer.status == 0 ? answer.value : nil }
            size *= 4
        }
        return nil
    }
}

/// The names of callers, looked up off the cooperative pool and kept for a minute.
///
/// `getpwuid_r` and `getgrgid_r` may block for as long as the machine's user database takes (LDAP, sssd): run on
/// the cooperative pool, a slow look-up would stall every connection's calls. They run on NIO's blocking-I/O pool
/// instead, and a flood of connections from one user costs one look-up a minute, not one each.
final class PeerIdentityCache: Sendable {
    private struct Key: Hashable {
        let uid: UInt32, gid: UInt32, groups: [UInt32]
    }
    private let entries = Mutex([Key: (caller: Caller, at: Date)]())
    /// How long a looked-up caller is kept.
    let lifetime: TimeInterval

    /// A cache keeping each caller for `lifetime` seconds.
    init(lifetime: TimeInterval = 60) { self.lifetime = lifetime }

    /// The caller with these kernel-reported ids, named from the user database (or the cache).
    func caller(uid: UInt32, gid: UInt32, groups: [UInt32], now: Date = Date()) async -> Caller {
        let key = Key(uid: uid, gid: gid, groups: groups)
        if let cached = entries.withLock({ $0[key] }), now.timeIntervalSince(cached.at) < lifetime {
            return cached.caller
        }
        guard
            let caller = try? await NIOThreadPool.singleton.runIfActive({
                PeerIdentity.caller(uid: uid, gid: gid, groups: groups)
            })
        else {
            // The pool is shutting down: look up here rather than lose the names, and keep nothing.
            return PeerIdentity.caller(uid: uid, gid: gid, groups: groups)
        }
        // A user the database did not know (a number for a name) is looked up again next time, not kept.
        guard caller.userName != String(uid) else { return caller }
        entries.withLock { entries in
            // Bounded: a machine has few users, but the cache must not grow with what a caller can vary.
            if entries.count >= 4096 { entries.removeAll() }
            entries[key] = (caller, now)
        }
        return caller
    }
}
