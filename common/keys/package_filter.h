// Which imports count towards a module's key (Mathlib `isPartOfMathlibCache`, spec §2.3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leancache::keys {

// The 21 root components of M-2607: Mathlib, Batteries, BatteriesRecycling, Aesop, Cli,
// ImportGraph, LeanSearchClient, Plausible, Qq, ProofWidgets, Archive, Counterexamples,
// MathlibTest, Requests, OpenAIClient, Reap, Canonical, Duper, Auto, PremiseSelection, Hammer.
const std::vector<std::string>& CachedPackageRoots();

// True when the root (first) component of a canonical module name is in CachedPackageRoots().
bool IsPartOfMathlibCache(std::string_view module);

}  // namespace leancache::keys
