package receipt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"abha-deactivate/abdm"
	"abha-deactivate/internal/testtools"
)

// The test data: the fonts and translations the app embeds, read from the
// repository (the assets package would bring Fyne into this test), and
// Fyne's own Noto Sans from its module, as the app passes it.
var (
	makerOnce sync.Once
	maker     *Maker
	makerErr  error
)

func testMaker(t testing.TB) *Maker {
	t.Helper()
	makerOnce.Do(func() { maker, makerErr = New(testResources(t)) })
	if makerErr != nil {
		t.Fatal(makerErr)
	}
	return maker
}

func testResources(t testing.TB) Resources {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("find Fyne's module (for its Noto Sans font): %v", err)
	}
	fyneFonts := filepath.Join(strings.TrimSpace(string(out)), "theme", "font")
	read := func(path string) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	return Resources{
		Fonts: Fonts{
			Latin:          read(filepath.Join(fyneFonts, "NotoSans-Regular.ttf")),
			LatinBold:      read(filepath.Join(fyneFonts, "NotoSans-Bold.ttf")),
			Devanagari:     read(filepath.Join("..", "assets", "fonts", "NotoSansDevanagari-Regular.ttf")),
			DevanagariBold: read(filepath.Join("..", "assets", "fonts", "NotoSansDevanagari-Bold.ttf")),
		},
		Translations: os.DirFS(filepath.Join("..", "assets", "translations")),
	}
}

// catalogue is the app's built-in reason catalogue.
func catalogue(t testing.TB) abdm.Catalogue {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "assets", "reasons.json"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := abdm.ParseCatalogue(data)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// sample is a deactivation on the sandbox, confirmed at 4:05 pm IST, for
// reasons 101 and others. The Hindi one has a name in Devanagari, with
// conjuncts (क्ष, त्र) and a vowel sign drawn before its consonant (ि).
func sample(t testing.TB, language string) Data {
	t.Helper()
	name, address := "Asha Verma", "asha.verma@sbx"
	if language == Hindi {
		name, address = "क्षमा त्रिपाठी", "kshama.tripathi@sbx"
	}
	return Data{
		Language:    language,
		Action:      abdm.ActionDeactivate,
		At:          time.Date(2026, 12, 2, 10, 35, 0, 0, time.UTC),
		HIPID:       "IN2410000123",
		Environment: "sandbox",
		PatientName: name,
		ABHANumber:  "91-5512-3456-7890",
		ABHAAddress: address,
		Reasons:     testMaker(t).ReasonLabels(catalogue(t), []string{"101", "others"}, language),
		TxnID:       "7c9e6679-7425-40de-944b-e07fc1f90ae7",
		Version:     "1.4.0",
		Made:        time.Date(2026, 12, 2, 10, 36, 0, 0, time.UTC),
	}
}

// needTool returns the path of a poppler-utils tool (pdftotext), or skips
// the test (fails it when ABHA_REQUIRE_TOOLS=1, as make test-go sets).
func needTool(t testing.TB, name string) string {
	t.Helper()
	return testtools.Need(t, name, "poppler-utils")
}

// render makes d's receipt in a temporary file and returns its path.
func render(t *testing.T, d Data) string {
	t.Helper()
	var buf bytes.Buffer
	if err := testMaker(t).Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText is pdftotext's reading of a PDF.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdftotext"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// screenshot writes the PNG of the PDF's page to screenshots/NAME.png at
// the repository's root, for a person to look at.
func screenshot(t *testing.T, path, name string) string {
	t.Helper()
	dir := filepath.Join("..", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, name)
	if out, err := exec.Command(needTool(t, "pdftoppm"), "-png", "-r", "110", "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	return prefix + ".png"
}
