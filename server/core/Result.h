#pragma once

#include "CoreError.h"

#include <functional>

namespace switchboard {

// A value or a CoreError; what every core command hands back.
template <typename T>
struct Result
{
    T value{};
    CoreError error;

    bool ok() const { return !error.isError(); }
    static Result success(T v)
    {
        Result r;
        r.value = std::move(v);
        return r;
    }
    static Result failure(CoreError e)
    {
        Result r;
        r.error = std::move(e);
        return r;
    }
};

template <typename T>
using Callback = std::function<void(const Result<T> &)>;

} // namespace switchboard
