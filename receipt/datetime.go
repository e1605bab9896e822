package receipt

import (
	"io/fs"
	"strconv"
	"time"
)

// IST is India Standard Time, UTC+5:30 all year. A fixed zone, since
// Windows may have no time zone database.
var IST = time.FixedZone("IST", 5*3600+1800)

// date is t's day in IST: "2 December 2026".
func (t texts) date(at time.Time) string {
	at = at.In(IST)
	return t.get(kDate, "Day", strconv.Itoa(at.Day()), "Month", t[monthKeys[at.Month()-1]],
		"Year", strconv.Itoa(at.Year()))
}

// dateTime is t's day and time in IST: "2 December 2026, 4:05 pm IST".
func (t texts) dateTime(at time.Time) string {
	at = at.In(IST)
	return t.get(kDateTime, "Date", t.date(at), "Time", t.clock(at))
}

// clock is the time of day on a 12-hour clock, with the part of the day:
// "4:05 pm" in English, "शाम 4:05 बजे" in Hindi.
func (t texts) clock(at time.Time) string {
	h := at.Hour()
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	clock := strconv.Itoa(h12) + ":" + at.Format("04")
	key := kTimeNightPM
	switch {
	case h < 4:
		key = kTimeNightAM
	case h < 12:
		key = kTimeMorning
	case h < 16:
		key = kTimeAfternoon
	case h < 20:
		key = kTimeEvening
	}
	return t.get(key, "Clock", clock)
}

// Clock writes times as the receipt prints them, in IST, for other views
// of the same events (History).
type Clock struct{ t texts }

// NewClock reads language's texts (English for any other language) from
// the translation files in fsys (see Resources.Translations).
func NewClock(fsys fs.FS, language string) (Clock, error) {
	t, err := loadTexts(fsys, textLanguage(language))
	if err != nil {
		return Clock{}, err
	}
	return Clock{t: t}, nil
}

// DateTime is at's day and time in IST: "2 December 2026, 4:05 pm IST".
func (c Clock) DateTime(at time.Time) string { return c.t.dateTime(at) }
