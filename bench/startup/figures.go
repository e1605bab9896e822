package main

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// medians returns each target's median start, by target name.
func medians(targets []*target) map[string]sample {
	med := map[string]sample{}
	for _, t := range targets {
		med[t.name] = sample{
			window: time.Duration(median(t.runs, windowOf)),
			frame:  time.Duration(median(t.runs, frameOf)),
			cpu:    time.Duration(median(t.runs, cpuOf)),
			rssKiB: median(t.runs, rssOf),
		}
	}
	return med
}

// What a sample measured, as int64 for median.
func windowOf(s sample) int64 { return int64(s.window) }
func frameOf(s sample) int64  { return int64(s.frame) }
func cpuOf(s sample) int64    { return int64(s.cpu) }
func rssOf(s sample) int64    { return s.rssKiB }

// pairFigures are the figures of the app against the bare window, in the
// order they are printed: NAME_app, NAME_bare, then the ratio's name.
var pairFigures = []struct {
	name, ratio string
	value       func(sample) int64
	spell       func(int64) string
}{
	{"startup_window_ms", "startup_window_ratio", windowOf, nsAsMS},
	{"startup_first_frame_ms", "startup_ratio", frameOf, nsAsMS},
	{"startup_cpu_ms", "startup_cpu_ratio", cpuOf, nsAsMS},
	{"peak_rss_mb", "peak_rss_ratio", rssOf, mb},
}

// printFigures prints the figures of the medians med, those of the optional
// targets (demo, warm, floor) only when they ran.
func printFigures(med map[string]sample) {
	bare, app := med["bare"], med["app"]
	for _, f := range pairFigures {
		fmt.Printf("%s_app: %s\n", f.name, f.spell(f.value(app)))
		fmt.Printf("%s_bare: %s\n", f.name, f.spell(f.value(bare)))
		fmt.Printf("%s: %s\n", f.ratio, ratio(f.value(app), f.value(bare)))
	}
	if demo, ok := med["demo"]; ok {
		fmt.Println("startup_first_frame_ms_demo:", ms(demo.frame))
		fmt.Println("startup_ratio_demo:", ratio(int64(demo.frame), int64(bare.frame)))
		fmt.Println("startup_cpu_ms_demo:", ms(demo.cpu))
		fmt.Println("peak_rss_mb_demo:", mb(demo.rssKiB))
		fmt.Println("peak_rss_ratio_demo:", ratio(demo.rssKiB, bare.rssKiB))
	}
	if aw, ok := med["app_warm"]; ok {
		bw := med["bare_warm"]
		fmt.Println("startup_first_frame_ms_app_warm:", ms(aw.frame))
		fmt.Println("startup_first_frame_ms_bare_warm:", ms(bw.frame))
		fmt.Println("startup_ratio_warm:", ratio(int64(aw.frame), int64(bw.frame)))
		fmt.Println("peak_rss_ratio_warm:", ratio(aw.rssKiB, bw.rssKiB))
	}
	if _, ok := med["floor"]; ok {
		printFloorFigures(med)
	}
}

// printFloorFigures prints the figures of the floor window. The floor
// against the bare window is the best start any program drawing this screen
// could show; the wizard against the floor is what its own code adds.
func printFloorFigures(med map[string]sample) {
	bare, app, floor := med["bare"], med["app"], med["floor"]
	fmt.Println("startup_first_frame_ms_floor:", ms(floor.frame))
	fmt.Println("startup_floor_ratio:", ratio(int64(floor.frame), int64(bare.frame)))
	fmt.Println("startup_ratio_to_floor:", ratio(int64(app.frame), int64(floor.frame)))
	fmt.Println("startup_cpu_ms_floor:", ms(floor.cpu))
	fmt.Println("startup_cpu_ratio_to_floor:", ratio(int64(app.cpu), int64(floor.cpu)))
	fmt.Println("peak_rss_mb_floor:", mb(floor.rssKiB))
	fmt.Println("peak_rss_floor_ratio:", ratio(floor.rssKiB, bare.rssKiB))
	fmt.Println("peak_rss_ratio_to_floor:", ratio(app.rssKiB, floor.rssKiB))
	if fw, ok := med["floor_warm"]; ok {
		aw, bw := med["app_warm"], med["bare_warm"]
		fmt.Println("startup_first_frame_ms_floor_warm:", ms(fw.frame))
		fmt.Println("startup_floor_ratio_warm:", ratio(int64(fw.frame), int64(bw.frame)))
		fmt.Println("startup_ratio_to_floor_warm:", ratio(int64(aw.frame), int64(fw.frame)))
	}
}

// ms spells a duration in whole milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond)) }

// nsAsMS spells a duration in nanoseconds in whole milliseconds.
func nsAsMS(ns int64) string { return ms(time.Duration(ns)) }

// mb spells a size in KiB in MiB, to a tenth.
func mb(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }

// ratio spells a/b to two decimals.
func ratio(a, b int64) string { return fmt.Sprintf("%.2f", float64(a)/float64(b)) }

// printSizes prints the sizes of the two binaries and their ratio.
func printSizes(suffix, app, bare string) error {
	sa, err := os.Stat(app)
	if err != nil {
		return err
	}
	sb, err := os.Stat(bare)
	if err != nil {
		return err
	}
	const mib = 1 << 20
	fmt.Printf("binary_mb_app%s: %.1f\n", suffix, float64(sa.Size())/mib)
	fmt.Printf("binary_mb_bare%s: %.1f\n", suffix, float64(sb.Size())/mib)
	fmt.Printf("binary_size_ratio%s: %.2f\n", suffix, float64(sa.Size())/float64(sb.Size()))
	return nil
}

// median of the values key picks out of ss (the lower middle one for an even count).
func median(ss []sample, key func(sample) int64) int64 {
	vs := make([]int64, len(ss))
	for i, s := range ss {
		vs[i] = key(s)
	}
	slices.Sort(vs)
	return vs[(len(vs)-1)/2]
}
