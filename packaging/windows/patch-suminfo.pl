#!/usr/bin/perl
# patch-suminfo.pl MSI PACKAGECODE BEFORE AFTER EPOCH
#
# Sets, in place, what wixl leaves to chance in an MSI's summary information stream: the
# revision number (the package code, which wixl makes random) becomes {PACKAGECODE}, and the
# creation and last-save times (wixl's clock, between the Unix times BEFORE and AFTER) become
# EPOCH. Both are fixed-size properties (a 38-character string, two FILETIMEs), so the
# compound file's layout does not change. Each must be found exactly where expected, else
# nothing is written and the exit status is 1.
use strict;
use warnings;

my ($file, $code, $before, $after, $epoch) = @ARGV;
die "usage: $0 MSI PACKAGECODE BEFORE AFTER EPOCH\n" unless defined $epoch;
die "bad package code $code\n" unless $code =~ /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/;

open(my $fh, '<:raw', $file) or die "$file: $!\n";
my $data = do { local $/; <$fh> };
close $fh;

# FILETIME: 100 ns since 1601-01-01.
my $offset = 11644473600;
my ($lo, $hi) = (($before - 2 + $offset) * 10_000_000, ($after + 2 + $offset) * 10_000_000);
my $new_time = pack('Q<', ($epoch + $offset) * 10_000_000);

# VT_FILETIME (0x40) followed by a time within the build's window.
my @times;
while ($data =~ /\x40\x00\x00\x00(.{8})/sg) {
	my $t = unpack('Q<', $1);
	push @times, $-[1] if $t >= $lo && $t <= $hi;
	pos($data) = $-[0] + 1;
}
die "expected 2 summary times from the build, found " . scalar(@times) . "\n" unless @times == 2;

# VT_LPSTR (0x1E), length 39, then the braced GUID and its NUL.
my @codes;
while ($data =~ /\x1e\x00\x00\x00\x27\x00\x00\x00(\{[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}\})\x00/g) {
	push @codes, $-[1];
}
die "expected 1 revision number, found " . scalar(@codes) . "\n" unless @codes == 1;

substr($data, $_, 8) = $new_time for @times;
substr($data, $codes[0], 38) = "{$code}";

open($fh, '>:raw', "$file.tmp") or die "$file.tmp: $!\n";
print $fh $data or die "$file.tmp: $!\n";
close $fh or die "$file.tmp: $!\n";
rename("$file.tmp", $file) or die "$file: $!\n";
