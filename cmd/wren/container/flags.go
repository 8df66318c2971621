package container

import (
	"strconv"
)

// optionalInt is an int flag that stays nil unless given, so "unset" and 0 differ.
type optionalInt struct{ p **int }

func (o *optionalInt) String() string {
	if *o.p == nil {
		return ""
	}
	return strconv.Itoa(**o.p)
}

func (o *optionalInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return err
	}
	*o.p = &n
	return nil
}

func (o *optionalInt) Type() string { return "int" }
