import Foundation

/// The two UTC forms of a signing instant, `20150830T123600Z` and `20150830`, written
/// without `DateFormatter`, which costs more than the rest of a signature.
struct SigningTime: Sendable {
    let timestamp: String
    let dateStamp: String

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        dateStamp = padded(year, 4) + padded(month, 2) + padded(day, 2)
        timestamp =
            dateStamp + "T" + padded(secondOfDay / 3600, 2) + padded(secondOfDay / 60 % 60, 2) + padded(secondOfDay % 60, 2)
            + "Z"
    }
}
