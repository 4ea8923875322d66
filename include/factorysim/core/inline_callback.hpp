// A move-only, type-erased `void()` callable with small inline storage.
//
// Why not std::function: it may allocate for any capture larger than two pointers (the
// threshold is implementation-defined), and it requires copyability. Event callbacks in
// this engine are stored in pooled slots that never move, so the callable is constructed
// in place and destroyed in place: one pointer to a static operations table plus
// `InlineBytes` of storage. Captures that do not fit (rare; e.g. a lambda capturing a
// std::string by value) fall back to one heap allocation, counted so benchmarks can tell.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace factorysim::detail {

template <std::size_t InlineBytes>
class InlineCallback {
public:
    static constexpr std::size_t inline_bytes = InlineBytes;

    InlineCallback() = default;
    InlineCallback(const InlineCallback&) = delete;
    InlineCallback& operator=(const InlineCallback&) = delete;
    ~InlineCallback() { reset(); }

    template <class F>
    static constexpr bool fits_inline = sizeof(F) <= InlineBytes && alignof(F) <= alignof(void*);

    // Constructs the callable in place. Precondition: empty.
    template <class F>
    inline __attribute__((always_inline)) void emplace(F&& f) {
        using Fn = std::decay_t<F>;
        static_assert(std::is_invocable_r_v<void, Fn&>, "an event callback must be callable as void()");
        if constexpr (fits_inline<Fn>) {
            ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
            ops_ = &inline_ops<Fn>;
        } else {
            Fn* heap = new Fn(std::forward<F>(f));
            std::memcpy(storage_, &heap, sizeof heap);
            ops_ = &heap_ops<Fn>;
        }
    }

    void operator()() { ops_->invoke(storage_); }
    explicit operator bool() const { return ops_ != nullptr; }
    bool on_heap() const { return ops_ != nullptr && ops_->heap; }

    void reset() {
        if (ops_ != nullptr) {
            if (ops_->destroy != nullptr) ops_->destroy(storage_);
            ops_ = nullptr;
        }
    }

private:
    struct Ops {
        void (*invoke)(void*);
        void (*destroy)(void*);  // nullptr when trivially destructible: skips a call per event
        bool heap;
    };

    template <class Fn>
    static constexpr Ops inline_ops{
        [](void* p) { (*std::launder(static_cast<Fn*>(p)))(); },
        std::is_trivially_destructible_v<Fn> ? nullptr
                                             : +[](void* p) { std::launder(static_cast<Fn*>(p))->~Fn(); },
        false};

    template <class Fn>
    static Fn* heap_ptr(void* p) {
        Fn* f;
        std::memcpy(&f, p, sizeof f);
        return f;
    }

    template <class Fn>
    static constexpr Ops heap_ops{[](void* p) { (*heap_ptr<Fn>(p))(); }, [](void* p) { delete heap_ptr<Fn>(p); },
                                  true};

    const Ops* ops_ = nullptr;
    // Pointer alignment (not max_align_t) keeps the slot at 8 + InlineBytes bytes.
    alignas(void*) unsigned char storage_[InlineBytes];
};

}  // namespace factorysim::detail
