package logs

import (
	"fmt"

	"github.com/sirupsen/logrus"
)

// RedactingFormatter wraps another logrus Formatter. It masks the message and
// every string, error, fmt.Stringer and []byte field value (and every value
// under a sensitive key such as "clientSecret") before formatting, then
// masks the formatted bytes again as a last guard.
type RedactingFormatter struct {
	Inner    logrus.Formatter
	Redactor *Redactor
}

// Format implements logrus.Formatter. The entry itself is not changed.
func (f *RedactingFormatter) Format(e *logrus.Entry) ([]byte, error) {
	dup := *e
	dup.Message = f.Redactor.Redact(e.Message)
	dup.Data = make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		dup.Data[k] = f.redactValue(k, v)
	}
	b, err := f.Inner.Format(&dup)
	if err != nil {
		return nil, err
	}
	return []byte(f.Redactor.Redact(string(b))), nil
}

func (f *RedactingFormatter) redactValue(key string, v any) any {
	if sensitiveKey.MatchString(key) {
		return Mask
	}
	switch v := v.(type) {
	case string:
		return f.Redactor.Redact(v)
	case error:
		return f.Redactor.Redact(safeString(v.Error))
	case fmt.Stringer:
		return f.Redactor.Redact(safeString(v.String))
	case []byte:
		return f.Redactor.Redact(string(v))
	}
	return v // numbers, bools, ...; structs are caught by the last guard
}

// safeString calls fn, turning a panic (a nil pointer receiver) into text.
func safeString(fn func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return fn()
}
