#pragma once

#include "CallerOrder.h"
#include "ContextGuard.h"
#include "Result.h"
#include "storage/StoreStatus.h"

#include <QPointer>

#include <functional>
#include <memory>

#include "storage/Store.h"

namespace switchboard {

// The one way a command's writes reach storage and its answer reaches the
// caller. Every mutating command of the core goes through commit(), so the
// order after a commit is the same everywhere:
//   apply (memory follows storage) -> answer -> publish (fan-out) -> settle.
// Answers, successful or not, reach only a caller that still exists; store
// failures become typed CoreErrors by the driver's error code, and internal
// text is logged here, never handed to a dialect.
class CommitPath
{
public:
    // Hands out one Store::Done per queued write and calls back once all of
    // them committed, with the first failure if any.
    class Tally
    {
    public:
        std::function<void(const StoreStatus &)> next();

    private:
        friend class CommitPath;
        struct State;
        std::shared_ptr<State> m_state;
    };

    template <typename T>
    struct Steps
    {
        std::function<void(Store &, Tally &)> write; // queue the writes
        std::function<void()> landed;                // after the commit, whatever its outcome
        std::function<Result<T>()> apply;            // after commit: update memory, give the answer
        std::function<void(const T &)> publish;      // after the answer: events out
        std::function<void(const T &)> settle;       // after the events: e.g. drop subscriptions
        CoreError onConflict = CoreError::internal(QStringLiteral("conflicting write"));
    };

    explicit CommitPath(Store *store) : m_store(store) {}

    // A gate for successful answers to one caller (a cluster's read-after-write
    // for REST, docs/cluster.md): the answer waits until the gate calls it;
    // the events are not held. No gate: answers go at once.
    using AnswerGate = std::function<void(std::function<void()> answer)>;
    void setAnswerGate(QObject *context, AnswerGate gate)
    {
        m_gatedContext = context;
        m_gate = std::move(gate);
    }

    template <typename T>
    void commit(QObject *context, Callback<T> done, Steps<T> steps)
    {
        auto s = std::make_shared<Steps<T>>(std::move(steps));
        AnswerGate gate = context && context == m_gatedContext ? m_gate : AnswerGate();
        if (m_order.waits(context)) // behind a command of this caller that waits (hold())
            return m_order.run(context, [this, context, done = std::move(done), s]() mutable {
                commit<T>(context, std::move(done), std::move(*s));
            });
        run([s](Store &store, Tally &t) { s->write(store, t); },
            [s, guard = ContextGuard(context), done = std::move(done), gate](const StoreStatus &status) {
            if (s->landed) s->landed();
            Result<T> r = status.ok() ? (s->apply ? s->apply() : Result<T>::success(T{}))
                                      : Result<T>::failure(errorFor(status, s->onConflict));
            if (gate && r.ok())
                gate([guard, done, r] { reply(guard, done, r); });
            else
                reply(guard, done, r);
            if (!r.ok()) return;
            if (s->publish) s->publish(r.value);
            if (s->settle) s->settle(r.value);
        });
    }

    // For a command that must wait for an answer from outside the loop before
    // it commits (CoreContext::checkRateInOrder): returns the function that
    // goes on with it; until it is called, this caller's later commits wait.
    std::function<void(CallerOrder::Work)> hold(QObject *context) { return m_order.hold(context); }

    // A command refused before anything was written: the caller is on the stack.
    template <typename T>
    static void reject(const Callback<T> &done, const CoreError &e)
    {
        if (done) done(Result<T>::failure(e));
    }

    // An answer that arrives later by another way (a password hash off the loop).
    template <typename T>
    static void reply(const ContextGuard &guard, const Callback<T> &done, const Result<T> &r)
    {
        if (done && guard.alive()) done(r);
    }

    static CoreError errorFor(const StoreStatus &status, const CoreError &onConflict);

private:
    void run(const std::function<void(Store &, Tally &)> &write, std::function<void(const StoreStatus &)> finished);

    QPointer<Store> m_store;
    QPointer<QObject> m_gatedContext;
    AnswerGate m_gate;
    CallerOrder m_order;
};

} // namespace switchboard
