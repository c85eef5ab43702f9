import Foundation
import PostgresNIO
import Synchronization

/// Fails transactions fast while PostgreSQL is unreachable, without probing it (probe connections
/// of their own disturbed the pool under load): the first transaction that loses its connection
/// opens the breaker; while it is open every transaction is refused at once with a 503
/// (`Retry-After`), except one trial per `trialInterval`, which goes to the pool as usual; the first
/// transaction that reaches PostgreSQL again, trial or not, closes it. The pool itself goes on
/// reconnecting in the background, so recovery takes one trial interval at most.
public final class DatabaseBreaker: Sendable {
    private enum State {
        case closed
        case open(lastTrial: ContinuousClock.Instant)
    }

    private let state = Mutex(State.closed)
    public let trialInterval: Duration

    public init(trialInterval: Duration = .milliseconds(500)) {
        self.trialInterval = trialInterval
    }

    /// Whether transactions are being refused right now.
    public var isOpen: Bool {
        state.withLock { if case .open = $0 { true } else { false } }
    }

    /// Lets a transaction go to the pool, or refuses it with a 503 while the breaker is open.
    func admit() throws {
        let admitted = state.withLock { state -> Bool in
            guard case .open(let lastTrial) = state else { return true }
            let now = ContinuousClock.now
            guard lastTrial.duration(to: now) >= trialInterval else { return false }
            state = .open(lastTrial: now)
            return true
        }
        if !admitted { throw Problem.serviceUnavailable }
    }

    /// Records how an admitted transaction ended: a lost connection opens the breaker; any answer
    /// from PostgreSQL (a commit, or an error it raised) closes it.
    func record(_ error: (any Error)?) {
        let lost = error.map(Self.isConnectionLoss) ?? false
        state.withLock { state in
            switch (state, lost) {
            case (.closed, false): break
            case (.open, false): state = .closed
            case (.open, true): break
            case (.closed, true): state = .open(lastTrial: .now)
            }
        }
    }

    /// PostgreSQL went away or cannot be reached (as opposed to refusing a statement).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown: return true
            case .server: return ["57P01", "57P02", "57P03"].contains(error.sqlState ?? "")
            default: return false
            }
        }
        // The pool's own "could not create a connection for a long time" error.
        return String(describing: type(of: error)) == "ConnectionPoolError"
    }
}
