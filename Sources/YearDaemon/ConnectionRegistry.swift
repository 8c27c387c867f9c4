import NIOCore
import Synchronization

/// The open connections: enforces the limits in total and per uid, and closes idle ones at shutdown.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let uid: UInt32
        let channel: any Channel
        var busy: Bool
    }

    private struct Registry {
        var entries: [ObjectIdentifier: Entry] = [:]
        var perUID: [UInt32: Int] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(Registry())

    /// Why a connection was not admitted.
    enum Refusal: Error {
        case total(Int)
        case perUID(Int)
        case shuttingDown
    }

    /// Admits a connection from `uid` unless a limit is reached.
    func admit(_ channel: any Channel, uid: UInt32, maxTotal: Int, maxPerUID: Int) -> Refusal? {
        state.withLock { registry in
            if registry.shuttingDown { return .shuttingDown }
            if registry.entries.count >= maxTotal { return .total(maxTotal) }
            if registry.perUID[uid, default: 0] >= maxPerUID { return .perUID(maxPerUID) }
            registry.entries[ObjectIdentifier(channel)] = Entry(uid: uid, channel: channel, busy: false)
            registry.perUID[uid, default: 0] += 1
            return nil
        }
    }

    /// Forgets a closed connection.
    func remove(_ channel: any Channel) {
        state.withLock { registry in
            guard let entry = registry.entries.removeValue(forKey: ObjectIdentifier(channel)) else { return }
            registry.perUID[entry.uid, default: 1] -= 1
            if registry.perUID[entry.uid] == 0 { registry.perUID[entry.uid] = nil }
        }
    }

    /// Marks a connection as serving a call (true) or waiting (false); returns whether the daemon is shutting down.
    func setBusy(_ channel: any Channel, _ busy: Bool) -> Bool {
        state.withLock { registry in
            registry.entries[ObjectIdentifier(channel)]?.busy = busy
            return registry.shuttingDown
        }
    }

    /// Refuses new connections and closes the idle ones; busy ones close after their reply.
    func shutDown() {
        let idle = state.withLock { registry in
            registry.shuttingDown = true
            return registry.entries.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }

    /// How many connections are open.
    var count: Int { state.withLock { $0.entries.count } }

    /// How many connections are serving a call.
    var busyCount: Int { state.withLock { $0.entries.values.filter(\.busy).count } }

    /// Whether the connection is serving a call.
    func isBusy(_ channel: any Channel) -> Bool {
        state.withLock { $0.entries[ObjectIdentifier(channel)]?.busy ?? false }
    }
}

/// Closes a connection that stayed silent for the idle timeout, unless it is serving a call: a slow call (one
/// waiting for the database, say) is answered, and the timer starts again from its reply.
final class IdleCloseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let registry: ConnectionRegistry

    init(registry: ConnectionRegistry) { self.registry = registry }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if !registry.isBusy(context.channel) { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
