#pragma once
// The handlers of a std::visit, one lambda per alternative: with no generic
// lambda among them, an alternative without a handler does not compile.
namespace warroom {

template <class... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace warroom
