package safetext

import "reflect"

// Fields applies Text to every string that v (a pointer) reaches: struct
// fields, slice and array elements, map values and pointers, however
// nested. Decoded replies pass through it once, where they enter the
// program, so that nothing a server chose reaches a terminal or a label raw.
// Unexported fields are left alone.
func Fields(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return
	}
	walk(rv.Elem(), 0)
}

// maxDepth bounds the walk: decoded JSON is far shallower.
const maxDepth = 64

func walk(v reflect.Value, depth int) {
	if depth > maxDepth {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); !isSafe(s) {
				v.SetString(Text(s))
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkElem(v, depth)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i), depth+1)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walk(v.Index(i), depth+1)
		}
	case reflect.Map:
		walkMap(v, depth)
	}
}

// walkElem walks what a pointer or interface holds. A string held in an
// interface cannot be set in place, so the interface gets the cleaned copy.
func walkElem(v reflect.Value, depth int) {
	e := v.Elem()
	if v.Kind() == reflect.Interface && e.Kind() == reflect.String {
		if s := e.String(); !isSafe(s) && v.CanSet() {
			v.Set(reflect.ValueOf(Text(s)))
		}
		return
	}
	walk(e, depth+1)
}

// walkMap cleans a map's values (copies, as map elements are not addressable).
func walkMap(v reflect.Value, depth int) {
	if v.IsNil() {
		return
	}
	iter := v.MapRange()
	for iter.Next() {
		cp := reflect.New(iter.Value().Type()).Elem()
		cp.Set(iter.Value())
		walk(cp, depth+1)
		v.SetMapIndex(iter.Key(), cp)
	}
}
