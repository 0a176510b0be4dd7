// libFuzzer target for parseDuration, parseBackoff and parseExitCodes
// (core/specparsers.h).
//
// The first byte picks the parser (its low seven bits modulo 3) and, with its
// high bit set, reads the rest as raw UTF-16 instead of UTF-8, so that unpaired
// surrogates and non-ASCII digits and letters reach the parsers too.

#include "fuzzcheck.h"
#include "specparsers.h"

#include <QSet>
#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace Qt::StringLiterals;

namespace requeue::fuzz {
namespace {

const QString untouched = u"(untouched)"_s;

void fuzzDuration(const QString &text)
{
    QString error = untouched;
    const auto duration = parseDuration(text, &error);
    // The same answer without an error string.
    FUZZ_CHECK(parseDuration(text) == duration);
    if (!duration) {
        FUZZ_CHECK(error != untouched && !error.trimmed().isEmpty());
        return;
    }
    FUZZ_CHECK(error == untouched);
    FUZZ_CHECK(duration->count() >= 0);
    FUZZ_CHECK(*duration <= MaxParsedDuration);
    // The value reads back the same in plain milliseconds, and as a fixed backoff.
    FUZZ_CHECK(parseDuration(QString(QString::number(duration->count()) + u"ms"_s)) == duration);
    RetryPolicy policy;
    FUZZ_CHECK(parseBackoff(QString(u"fixed:"_s + text), &policy));
    FUZZ_CHECK(policy.backoff == RetryPolicy::Backoff::Fixed);
    FUZZ_CHECK(policy.initialDelay == *duration);
}

bool samePolicy(const RetryPolicy &a, const RetryPolicy &b)
{
    return a.maxAttempts == b.maxAttempts && a.backoff == b.backoff
        && a.initialDelay == b.initialDelay && a.factor == b.factor && a.maxDelay == b.maxDelay
        && a.jitter == b.jitter && a.permanentExitCodes == b.permanentExitCodes;
}

void fuzzBackoff(const QString &text)
{
    // Values no parse would produce, to see what it changes.
    RetryPolicy before;
    before.maxAttempts = 12345;
    before.backoff = RetryPolicy::Backoff::Exponential;
    before.initialDelay = std::chrono::milliseconds(777);
    before.factor = 3.25;
    before.maxDelay = std::chrono::milliseconds(999);
    before.jitter = true;
    before.permanentExitCodes = {9, 8};

    RetryPolicy policy = before;
    QString error = untouched;
    const bool ok = parseBackoff(text, &policy, &error);
    if (!ok) {
        FUZZ_CHECK(error != untouched && !error.trimmed().isEmpty());
        FUZZ_CHECK(samePolicy(policy, before));
        return;
    }
    FUZZ_CHECK(error == untouched);
    // "Other members are left alone."
    FUZZ_CHECK(policy.maxAttempts == before.maxAttempts);
    FUZZ_CHECK(policy.jitter == before.jitter);
    FUZZ_CHECK(policy.permanentExitCodes == before.permanentExitCodes);
    const RetryPolicy defaults;
    FUZZ_CHECK(policy.initialDelay >= std::chrono::milliseconds(0));
    FUZZ_CHECK(policy.initialDelay <= MaxParsedDuration);
    FUZZ_CHECK(policy.maxDelay <= MaxParsedDuration);
    switch (policy.backoff) {
    case RetryPolicy::Backoff::None:
        FUZZ_CHECK(text == u"none"_s);
        FUZZ_CHECK(policy.initialDelay == defaults.initialDelay);
        FUZZ_CHECK(policy.maxDelay == defaults.maxDelay);
        FUZZ_CHECK(policy.factor == defaults.factor);
        break;
    case RetryPolicy::Backoff::Fixed:
        FUZZ_CHECK(text.startsWith(u"fixed:"_s));
        FUZZ_CHECK(policy.maxDelay == defaults.maxDelay);
        FUZZ_CHECK(policy.factor == defaults.factor);
        break;
    case RetryPolicy::Backoff::Exponential:
        FUZZ_CHECK(text.startsWith(u"exp:"_s));
        FUZZ_CHECK(policy.initialDelay > std::chrono::milliseconds(0));
        FUZZ_CHECK(policy.maxDelay >= policy.initialDelay);
        FUZZ_CHECK(policy.factor > 1.0 && policy.factor <= 100.0);
        break;
    }
    // The delays the policy gives are within its bounds.
    for (int retry = 1; retry <= 3; ++retry) {
        const auto delay = policy.nominalDelay(retry);
        FUZZ_CHECK(delay >= std::chrono::milliseconds(0));
        if (policy.backoff == RetryPolicy::Backoff::Exponential)
            FUZZ_CHECK(delay <= policy.maxDelay);
    }
}

void fuzzExitCodes(const QString &text)
{
    QString error = untouched;
    const auto codes = parseExitCodes(text, &error);
    if (!codes) {
        FUZZ_CHECK(error != untouched && !error.trimmed().isEmpty());
        return;
    }
    FUZZ_CHECK(error == untouched);
    FUZZ_CHECK(!codes->isEmpty());
    QSet<int> seen;
    QStringList items;
    for (int code : *codes) {
        FUZZ_CHECK(code >= 0 && code <= 255);
        FUZZ_CHECK(!seen.contains(code));
        seen.insert(code);
        items.append(QString::number(code));
    }
    // The list reads back as itself.
    FUZZ_CHECK(parseExitCodes(items.join(u',')) == codes);
}

} // namespace
} // namespace requeue::fuzz

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    requeue::fuzz::trapOnQtWarnings();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace requeue::fuzz;
    if (size < 1)
        return 0;
    const uint8_t selector = data[0];
    const char *rest = reinterpret_cast<const char *>(data + 1);
    const qsizetype restSize = qsizetype(size - 1);
    QString text;
    if (selector & 0x80) {
        text.resize(restSize / 2);
        std::memcpy(text.data(), rest, size_t(text.size()) * sizeof(char16_t));
    } else {
        text = QString::fromUtf8(rest, restSize);
    }
    switch ((selector & 0x7F) % 3) {
    case 0:
        fuzzDuration(text);
        break;
    case 1:
        fuzzBackoff(text);
        break;
    case 2:
        fuzzExitCodes(text);
        break;
    }
    return 0;
}
