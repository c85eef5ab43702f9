import Foundation
import Synchronization

/// Fans the `b2b_outbox` notifications of this process's one listening connection out to whoever
/// waits for a tenant's new events: the dispatcher and every open live stream. A signal says only
/// "look again"; the waiter reads the outbox itself, so a lost or merged signal costs latency, never events.
public final class OutboxSignals: Sendable {
    private struct State {
        var subscriptions: [ObjectIdentifier: (tenantID: UUID?, subscription: Subscription)] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A subscription for one tenant's events, or every tenant's (`nil`, the dispatcher's).
    public func subscribe(tenantID: UUID?) -> Subscription {
        let subscription = Subscription(signals: self)
        let closed = state.withLock { state in
            if !state.closed { state.subscriptions[ObjectIdentifier(subscription)] = (tenantID, subscription) }
            return state.closed
        }
        if closed { subscription.close() }
        return subscription
    }

    /// Wakes the waiters for `tenantID`.
    public func signal(_ tenantID: UUID) {
        let targets = state.withLock { state in
            state.subscriptions.values.filter { $0.tenantID == nil || $0.tenantID == tenantID }.map(\.subscription)
        }
        for target in targets { target.notify(tenantID) }
    }

    /// Wakes every waiter of every tenant (after the listener reconnected, notifications may be lost).
    func signalAll() {
        let targets = state.withLock { $0.subscriptions.values.map(\.subscription) }
        for target in targets { target.notify(nil) }
    }

    /// Ends every subscription, now and later: the server is shutting down.
    func close() {
        let targets = state.withLock { state in
            state.closed = true
            defer { state.subscriptions = [:] }
            return state.subscriptions.values.map(\.subscription)
        }
        for target in targets { target.close() }
    }

    fileprivate func remove(_ subscription: Subscription) {
        _ = state.withLock { $0.subscriptions.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    /// One waiter. Signals that arrive while nobody waits are remembered (merged) until the next `wait`.
    public final class Subscription: Sendable {
        public enum Wake: Sendable, Equatable {
            /// New events may be there, for these tenants (empty: for any tenant).
            case signalled(Set<UUID>)
            case timedOut
            /// The subscription ended (cancelled or shutdown).
            case closed
        }

        private struct State {
            var pending: Set<UUID>?
            var anyTenant = false
            var waiter: CheckedContinuation<Wake, Never>?
            var waiterID = 0
            var closed = false
        }

        private let state = Mutex(State())
        private let signals: OutboxSignals

        fileprivate init(signals: OutboxSignals) { self.signals = signals }

        /// Stops listening (every subscriber must, or it stays registered); a pending `wait` returns `.closed`.
        public func cancel() {
            signals.remove(self)
            close()
        }

        fileprivate func notify(_ tenantID: UUID?) {
            let (waiter, wake) = state.withLock { state -> (CheckedContinuation<Wake, Never>?, Wake) in
                var pending = state.pending ?? []
                if let tenantID { pending.insert(tenantID) } else { state.anyTenant = true }
                guard let waiter = state.waiter else {
                    state.pending = pending
                    return (nil, .timedOut)
                }
                let wake = Wake.signalled(state.anyTenant ? [] : pending)
                state.waiter = nil
                state.pending = nil
                state.anyTenant = false
                return (waiter, wake)
            }
            waiter?.resume(returning: wake)
        }

        fileprivate func close() {
            let waiter = state.withLock { state in
                state.closed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: .closed)
        }

        /// Waits for a signal, at most `timeout`; returns at once if signals arrived since the last call.
        public func wait(timeout: Duration) async -> Wake {
            let id = state.withLock { state -> Int in
                state.waiterID += 1
                return state.waiterID
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resume(id, with: .timedOut)
            }
            defer { timer.cancel() }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let immediate = state.withLock { state -> Wake? in
                        if state.closed { return .closed }
                        if state.pending != nil || state.anyTenant {
                            defer { state.pending = nil; state.anyTenant = false }
                            return .signalled(state.anyTenant ? [] : state.pending ?? [])
                        }
                        if state.waiterID != id { return .timedOut }  // the timer already fired
                        state.waiter = continuation
                        return nil
                    }
                    if let immediate { continuation.resume(returning: immediate) }
                }
            } onCancel: {
                resume(id, with: .closed)
            }
        }

        /// Resumes the waiter `id` if it still waits; otherwise marks it as done so it will not start.
        private func resume(_ id: Int, with wake: Wake) {
            let waiter = state.withLock { state -> CheckedContinuation<Wake, Never>? in
                guard state.waiterID == id else { return nil }
                state.waiterID += 1
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: wake)
        }
    }
}
