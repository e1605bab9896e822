// Command sizegate is the size half of `make lint`'s complexity gate: it
// fails when a non-test Go file is over -max-file lines or a non-test
// function (or method) is over -max-func lines, from its func keyword to its
// closing brace. It walks the given directories (default ".") and passes over
// testdata, vendor and hidden directories, _test.go files and generated
// files. Offenders are printed one a line, as
//
//	path:line name N lines   (a function)
//	path N lines             (a file)
//
// and the exit status is 1 when there is any, 2 when a file cannot be read
// or parsed.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// limits are the largest sizes allowed, in lines.
type limits struct {
	file, fn int
}

// offence is one file or function over its limit.
type offence struct {
	path  string
	line  int    // the function's first line; 0 for a whole file
	name  string // the function's name; empty for a whole file
	lines int
}

func (o offence) String() string {
	if o.name == "" {
		return fmt.Sprintf("%s %d lines", o.path, o.lines)
	}
	return fmt.Sprintf("%s:%d %s %d lines", o.path, o.line, o.name, o.lines)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its arguments and output passed in; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("sizegate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var lim limits
	fl.IntVar(&lim.file, "max-file", 500, "the most lines a non-test Go file may have")
	fl.IntVar(&lim.fn, "max-func", 60, "the most lines a non-test function may have")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	roots := fl.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var all []offence
	for _, root := range roots {
		found, err := check(root, lim)
		if err != nil {
			fmt.Fprintln(stderr, "sizegate:", err)
			return 2
		}
		all = append(all, found...)
	}
	for _, o := range all {
		fmt.Fprintln(stdout, o)
	}
	if len(all) > 0 {
		fmt.Fprintf(stderr, "sizegate: %d over the limits (files %d lines, functions %d)\n", len(all), lim.file, lim.fn)
		return 1
	}
	return 0
}

// check returns the offenders under root, in the order of the walk.
func check(root string, lim limits) ([]offence, error) {
	var found []offence
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		offs, err := checkFile(path, lim)
		found = append(found, offs...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("walking %s: %w", root, err)
	}
	return found, nil
}

// skipDir reports whether a directory of this name is passed over.
func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || (len(name) > 1 && name[0] == '.') || name[0] == '_'
}

// checkFile returns the offenders in one Go file.
func checkFile(path string, lim limits) ([]offence, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	var found []offence
	if n := fset.File(f.Pos()).LineCount(); n > lim.file {
		found = append(found, offence{path: path, lines: n})
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		start, end := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
		if n := end - start + 1; n > lim.fn {
			found = append(found, offence{path: path, line: start, name: funcName(fn), lines: n})
		}
	}
	return found, nil
}

// funcName spells a function as gocyclo does: name, or (T).name or (*T).name.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	return "(" + typeName(fn.Recv.List[0].Type) + ")." + fn.Name.Name
}

// typeName spells a receiver's type, without its type parameters.
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "*" + typeName(t.X)
	case *ast.IndexExpr:
		return typeName(t.X)
	case *ast.IndexListExpr:
		return typeName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}
