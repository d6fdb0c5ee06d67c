# The benchmark's programme for bench/rollup.sh: 100 indicators and their
# province targets, as JSON for `nq57 programme load`.
#
#   awk -F, -f programme.awk provinces.csv communes.csv
#
# provinces.csv: code,name; communes.csv: code,name,province_code (header
# rows; CRLF or LF). Indicators I001..I100:
#   I001-I070 sum, I071-I082 mean, I083-I087 min, I088-I092 max,
#   I093-I097 weighted_mean weighted by I001,
#   I098 = {I001} / {I002} * 100, I099 = ({I003} + {I004}) / {I001} * 1000,
#   I100 = {I071} / {I072} * 100 (derived, no values of their own).
# Direction "down" for I009, I019, ..., I099, else "up". Every odd indicator
# up to I097 and I098 has targets for every province for 2027Q4 and 2030Q4:
# the province's 2026Q4 figure carried forward by its last year's trend,
# times a factor from 0.6 to 1.4 per province, so that tiles get every
# colour. The value of indicator k at commune code c in quarter n (0 =
# 2017Q1) is val(k, c, n) below; rollup.sh's SQL computes the same.

function val(k, c, n,    base, g, noise) {
	base = 50 + (k * 7919 + c * 104729) % 1000
	g = 0.005 + ((k * 31 + c * 17) % 20) * 0.001
	noise = ((k * 13 + c * 7 + n * 101) % 41 - 20) * 0.1
	return base * (1 + g * n) + noise
}

function agg(k) {
	return k <= 70 ? "sum" : k <= 82 ? "mean" : k <= 87 ? "min" : k <= 92 ? "max" : k <= 97 ? "weighted_mean" : "none"
}

# The roll-up of k over province p for quarter index slot t (0: n = 35, 1: n = 39).
function figure(k, p, t,    a) {
	if (k == 98)
		return S[1, p, t] / S[2, p, t] * 100
	if (k == 99)
		return (S[3, p, t] + S[4, p, t]) / S[1, p, t] * 1000
	if (k == 100)
		return (S[71, p, t] / N[p]) / (S[72, p, t] / N[p]) * 100
	a = agg(k)
	if (a == "sum")
		return S[k, p, t]
	if (a == "mean")
		return S[k, p, t] / N[p]
	if (a == "min")
		return LO[k, p, t]
	if (a == "max")
		return HI[k, p, t]
	return WX[k, p, t] / S[1, p, t]
}

{ sub(/\r$/, "") }
FNR == 1 { file++; next }
file == 1 { prov[++np] = $1; next }
file == 2 {
	c = $1 + 0
	p = $3
	N[p]++
	for (k = 1; k <= 97; k++)
		for (t = 0; t <= 1; t++) {
			x = val(k, c, 35 + 4 * t)
			S[k, p, t] += x
			if (N[p] == 1 || x < LO[k, p, t])
				LO[k, p, t] = x
			if (N[p] == 1 || x > HI[k, p, t])
				HI[k, p, t] = x
			if (k >= 93)
				WX[k, p, t] += val(1, c, 35 + 4 * t) * x
		}
}

END {
	printf "{\"indicators\": [\n"
	for (k = 1; k <= 100; k++) {
		code = sprintf("I%03d", k)
		printf "  {\"code\": \"%s\", \"name_vi\": \"Chỉ tiêu thử %d\", \"name_en\": \"Benchmark indicator %d\", ", code, k, k
		printf "\"measure\": \"%s\", \"direction\": \"%s\", \"aggregation\": \"%s\"", (agg(k) == "sum" ? "đơn vị" : "%"),
			(k % 10 == 9 ? "down" : "up"), agg(k)
		if (agg(k) == "weighted_mean")
			printf ", \"weight_code\": \"I001\""
		if (k == 98)
			printf ", \"formula\": \"{I001} / {I002} * 100\""
		if (k == 99)
			printf ", \"formula\": \"({I003} + {I004}) / {I001} * 1000\""
		if (k == 100)
			printf ", \"formula\": \"{I071} / {I072} * 100\""
		if ((k % 2 == 1 && k <= 97) || k == 98) {
			printf ", \"targets\": ["
			sep = ""
			for (i = 1; i <= np; i++) {
				p = prov[i]
				if (!N[p])
					continue
				now = figure(k, p, 1)
				slope = (now - figure(k, p, 0)) / 4
				f = 0.6 + ((i * 37 + k) % 9) * 0.1
				printf "%s{\"unit_code\": \"%s\", \"period\": \"2027Q4\", \"value\": %.2f}", sep, p, now + slope * 4 * f
				printf ", {\"unit_code\": \"%s\", \"period\": \"2030Q4\", \"value\": %.2f}", p, now + slope * 16 * f
				sep = ", "
			}
			printf "]"
		}
		printf "}%s\n", (k < 100 ? "," : "")
	}
	printf "]}\n"
}
