import CSystemd
import Glibc
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
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return String(cString: name)
    }

    /// The group name of `gid`, or nil.
    static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name
        else { return nil }
        return String(cString: name)
    }

    /// The gid of the group `name`, or nil.
    static func groupID(_ name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else {
            return UInt32(name)
        }
        return entry.gr_gid
    }
}
