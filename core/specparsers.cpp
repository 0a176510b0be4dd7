#include "specparsers.h"

#include "parsehelpers_p.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

const QString durationHint = u"like \"30s\", \"250ms\", \"2m\" or \"1.5h\""_s;

} // namespace

std::optional<std::chrono::milliseconds> parseDuration(QStringView text, QString *error)
{
    using std::chrono::milliseconds;
    const auto failed = [&](const QString &message) -> std::optional<milliseconds> {
        fail(error, message);
        return std::nullopt;
    };
    if (text.isEmpty())
        return failed(u"the duration is empty (write it "_s + durationHint + u')');
    if (text == u"0")
        return milliseconds(0);
    if (text.startsWith(u'-'))
        return failed(u"a duration cannot be negative, got "_s + detail::quoted(text));

    const qint64 maxMs = std::chrono::duration_cast<milliseconds>(MaxParsedDuration).count();
    const auto tooLong = [&]() -> QString {
        return detail::quoted(text) + u" is too long (at most "_s
            + QString::number(MaxParsedDuration.count()) + u"h)"_s;
    };
    qint64 totalMs = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        // A number: digits, optionally followed by a fraction.
        const qsizetype numberStart = i;
        qint64 whole = 0;
        bool huge = false;
        while (i < text.size() && isDigit(text[i])) {
            whole = whole * 10 + (text[i].unicode() - u'0');
            if (whole > maxMs) { // keep scanning, without overflowing
                huge = true;
                whole = maxMs + 1;
            }
            ++i;
        }
        if (i == numberStart) {
            return failed(detail::quoted(text) + u" is not a duration ("_s + durationHint + u')');
        }
        qint64 fraction = 0; // the digits after the point, trailing zeros dropped
        qint64 fractionScale = 1;
        if (i < text.size() && text[i] == u'.') {
            ++i;
            const qsizetype fractionStart = i;
            int pendingZeros = 0;
            while (i < text.size() && isDigit(text[i])) {
                const int digit = text[i].unicode() - u'0';
                if (digit == 0) {
                    ++pendingZeros;
                } else {
                    // More than 9 significant decimals is never a whole number
                    // of milliseconds for any unit below.
                    for (; pendingZeros >= 0; --pendingZeros) {
                        if (fractionScale > 1'000'000'000)
                            return failed(detail::quoted(text)
                                          + u" is not a whole number of milliseconds"_s);
                        fraction *= 10;
                        fractionScale *= 10;
                    }
                    pendingZeros = 0;
                    fraction += digit;
                }
                ++i;
            }
            if (i == fractionStart) {
                return failed(detail::quoted(text) + u" is not a duration ("_s + durationHint
                              + u')');
            }
        }
        // A unit.
        const qsizetype unitStart = i;
        while (i < text.size() && text[i].isLetter())
            ++i;
        const QStringView unit = text.sliced(unitStart, i - unitStart);
        qint64 unitMs = 0;
        if (unit == u"ms")
            unitMs = 1;
        else if (unit == u"s")
            unitMs = 1000;
        else if (unit == u"m")
            unitMs = 60 * 1000;
        else if (unit == u"h")
            unitMs = 60 * 60 * 1000;
        else if (unit.isEmpty() && i == text.size())
            return failed(detail::quoted(text) + u" has no unit (use ms, s, m or h)"_s);
        else if (unit.isEmpty())
            return failed(detail::quoted(text) + u" is not a duration ("_s + durationHint + u')');
        else
            return failed(u"unknown unit "_s + detail::quoted(unit) + u" in "_s
                          + detail::quoted(text) + u" (use ms, s, m or h)"_s);

        if (huge || whole > maxMs / unitMs)
            return failed(tooLong());
        const qint64 scaledFraction = fraction * unitMs;
        if (scaledFraction % fractionScale != 0)
            return failed(detail::quoted(text) + u" is not a whole number of milliseconds"_s);
        totalMs += whole * unitMs + scaledFraction / fractionScale;
        if (totalMs > maxMs)
            return failed(tooLong());
    }
    return milliseconds(totalMs);
}

bool parseBackoff(QStringView text, RetryPolicy *policy, QString *error)
{
    const RetryPolicy defaults;
    const QString usage = u"use \"none\", \"fixed:DELAY\" or \"exp:INITIAL:CAP[:FACTOR]\""_s;
    if (text == u"none") {
        policy->backoff = RetryPolicy::Backoff::None;
        policy->initialDelay = defaults.initialDelay;
        policy->maxDelay = defaults.maxDelay;
        policy->factor = defaults.factor;
        return true;
    }
    if (text == u"fixed")
        return fail(error, u"\"fixed\" needs a delay, like \"fixed:2s\""_s);
    if (text == u"exp")
        return fail(error, u"\"exp\" needs an initial delay and a cap, like \"exp:100ms:30s\""_s);

    QString durationError;
    if (text.startsWith(u"fixed:")) {
        const auto delay = parseDuration(text.sliced(6), &durationError);
        if (!delay)
            return fail(error, u"bad delay in "_s + detail::quoted(text) + u": "_s + durationError);
        policy->backoff = RetryPolicy::Backoff::Fixed;
        policy->initialDelay = *delay;
        policy->maxDelay = defaults.maxDelay;
        policy->factor = defaults.factor;
        return true;
    }
    if (text.startsWith(u"exp:")) {
        const QList<QStringView> parts = text.sliced(4).split(u':');
        if (parts.size() < 2 || parts.size() > 3) {
            return fail(error,
                        detail::quoted(text)
                            + u" needs an initial delay and a cap, like \"exp:100ms:30s\""
                              " or \"exp:100ms:30s:3\""_s);
        }
        const auto initial = parseDuration(parts[0], &durationError);
        if (!initial) {
            return fail(
                error, u"bad initial delay in "_s + detail::quoted(text) + u": "_s + durationError);
        }
        if (initial->count() <= 0) {
            return fail(error,
                        u"the initial delay in "_s + detail::quoted(text)
                            + u" must be greater than 0"_s);
        }
        const auto cap = parseDuration(parts[1], &durationError);
        if (!cap)
            return fail(error, u"bad cap in "_s + detail::quoted(text) + u": "_s + durationError);
        if (*cap < *initial) {
            return fail(error,
                        u"the cap in "_s + detail::quoted(text)
                            + u" is smaller than the initial delay"_s);
        }
        double factor = defaults.factor;
        if (parts.size() == 3) {
            // Plain decimal notation only: no sign, exponent, "inf" or "nan".
            const QStringView f = parts[2];
            const bool plain = !f.isEmpty() && isDigit(f.front()) && isDigit(f.back())
                && std::all_of(f.begin(), f.end(), [](QChar c) { return isDigit(c) || c == u'.'; });
            bool ok = false;
            factor = plain ? f.toDouble(&ok) : 0.0;
            if (!ok || !(factor > 1.0 && factor <= 100.0)) {
                return fail(error,
                            u"the factor in "_s + detail::quoted(text)
                                + u" must be a number greater than 1 and at most 100, got "_s
                                + detail::quoted(f));
            }
        }
        policy->backoff = RetryPolicy::Backoff::Exponential;
        policy->initialDelay = *initial;
        policy->maxDelay = *cap;
        policy->factor = factor;
        return true;
    }
    return fail(error, u"unknown backoff "_s + detail::quoted(text) + u" ("_s + usage + u')');
}

std::optional<QList<int>> parseExitCodes(QStringView text, QString *error)
{
    const auto failed = [&](const QString &message) -> std::optional<QList<int>> {
        fail(error, message);
        return std::nullopt;
    };
    // One exit code; sets the error itself.
    const auto parseCode = [&](QStringView item, int *code) {
        const QStringView digits = item.startsWith(u'-') ? item.sliced(1) : item;
        if (digits.isEmpty() || !std::all_of(digits.begin(), digits.end(), isDigit)) {
            fail(error,
                 detail::quoted(item) + u" is not an exit code (a whole number from 0 to 255)"_s);
            return false;
        }
        bool ok = false;
        const int value = digits.size() > 9 ? 1000 : digits.toInt(&ok);
        if (item.startsWith(u'-') || value > 255) {
            fail(error, u"exit code "_s + item.toString() + u" is out of range (0 to 255)"_s);
            return false;
        }
        *code = value;
        return true;
    };

    if (text.trimmed().isEmpty())
        return failed(u"no exit codes given (write them like \"2,64-78\")"_s);
    QList<int> codes;
    bool seen[256] = {};
    for (QStringView item : text.split(u',')) {
        item = item.trimmed();
        if (item.isEmpty())
            return failed(u"empty item in "_s + detail::quoted(text));
        int first = 0;
        int last = 0;
        const qsizetype dash = item.indexOf(u'-', 1);
        if (dash > 0) {
            if (!parseCode(item.first(dash).trimmed(), &first)
                || !parseCode(item.sliced(dash + 1).trimmed(), &last)) {
                return std::nullopt;
            }
            if (last < first)
                return failed(u"the range "_s + detail::quoted(item) + u" is backwards"_s);
        } else {
            if (!parseCode(item, &first))
                return std::nullopt;
            last = first;
        }
        for (int code = first; code <= last; ++code) {
            if (!seen[code]) {
                seen[code] = true;
                codes.append(code);
            }
        }
    }
    return codes;
}

} // namespace requeue
