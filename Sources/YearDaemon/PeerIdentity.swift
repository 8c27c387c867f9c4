import Glibc
import YearCore

/// Who is at the other end of a Unix socket, as the kernel says: SO_PEERCRED for the uid and gid, SO_PEERGROUPS
/// for the supplementary groups. Names come from the user database by id, never from the request.
enum PeerIdentity {
    /// The caller with the kernel-reported `uid` and `gid`: the user's name and supplementary groups come from the
    /// user database by that uid (NIO does not expose the descriptor for SO_PEERGROUPS), never from the request.
    static func caller(uid: UInt32, gid: UInt32) -> Caller {
        let name = userName(uid)
        let groups = name.map { supplementaryGroups(of: $0, primary: gid) } ?? [gid]
        var names = Set(groups.compactMap(groupName))
        if let primary = groupName(gid) { names.insert(primary) }
        return Caller(uid: uid, gid: gid, groups: groups, userName: name ?? String(uid), groupNames: names)
    }

    private static func supplementaryGroups(of user: String, primary: UInt32) -> [UInt32] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, primary, &groups, &count) >= 0 else { return [primary] }
        }
        return Array(groups.prefix(Int(count)))
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
