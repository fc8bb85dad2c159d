/// Conversions between days since 1970-01-01 and Gregorian calendar dates, after Howard
/// Hinnant's `days_from_civil` and `civil_from_days` (http://howardhinnant.github.io/date_algorithms.html):
/// exact for any date, with no time zone or locale involved.
package enum CivilDate {
    /// Days since 1970-01-01 of the first day of `month` (1–12) in `year`.
    package static func day(year: Int, month: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year and month (1–12) of the day `day` days after 1970-01-01.
    package static func yearAndMonth(ofDay day: Int) -> (year: Int, month: Int) {
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month)
    }
}
