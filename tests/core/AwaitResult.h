#pragma once

#include "core/Result.h"

#include <QTest>

#include <functional>
#include <memory>
#include <optional>

namespace switchboard {

// Waits (processing events) for a core command's callback and returns its
// result; the core answers only after the write is committed.
template <typename V>
Result<V> await(const std::function<void(Callback<V>)> &start)
{
    auto box = std::make_shared<std::optional<Result<V>>>();
    start([box](const Result<V> &r) { *box = r; });
    if (!QTest::qWaitFor([&] { return box->has_value(); }, 10000))
        return Result<V>::failure(CoreError::internal(QStringLiteral("test: callback never ran")));
    return **box;
}

#define AWAIT(V, call) await<V>([&](Callback<V> done) { call; })

} // namespace switchboard
