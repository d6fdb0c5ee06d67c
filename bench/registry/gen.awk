# Generates the registry benchmark's data as CSV files in the folder `out`:
#   organisations.csv  id,kind,name,name_folded,sectors,created_at,updated_at
#                      (ORGS organisations named the way Vietnamese firms,
#                      institutes and universities are, in NFC, with their
#                      folded names: lower case, no marks, đ -> d)
#   networks.csv, members.csv, resources.csv: NETWORKS networks of
#                      innovation centres, 7 members and 20 resources each
#                      (the first, hihub, is where half of the use is)
#   bookings.csv       BOOKINGS bookings of 1 to 4 hours over the 24 months
#                      of 2025-2026: 70% used, the rest approved, refused
#                      or cancelled, each for one of 20,000 firms and one of
#                      the eight sectors (or none)
# Deterministic (srand(57)); run with: awk -v out=DIR -v ORGS=N -v BOOKINGS=N -f gen.awk
function pick(n) { return int(rand() * n) + 1 }
function split2(list, marked, folded,    n, i, parts) {
	n = split(list, parts, ",")
	for (i = 1; i <= n; i++) { split(parts[i], pair, "|"); marked[i] = pair[1]; folded[i] = pair[2] }
	return n
}
BEGIN {
	srand(57)
	if (!ORGS) ORGS = 100000
	if (!BOOKINGS) BOOKINGS = 1000000
	if (!NETWORKS) NETWORKS = 10
	OFS = ","
	nk = split2("Công ty Cổ phần|cong ty co phan,Công ty TNHH|cong ty tnhh,Công ty Cổ phần Công nghệ|cong ty co phan cong nghe,Viện|vien,Trường Đại học|truong dai hoc,Trung tâm|trung tam,Quỹ Đầu tư|quy dau tu,Công ty TNHH Giải pháp|cong ty tnhh giai phap", kp, kf)
	split("enterprise,enterprise,st_enterprise,institute,university,innovation_centre,fund,startup", kinds, ",")
	nw = split2("Việt|viet,Hà Nội|ha noi,Thăng Long|thang long,Hồng Hà|hong ha,Đông Á|dong a,Sông Đà|song da,Bách khoa|bach khoa,Phương Đông|phuong dong,Trường An|truong an,Sao Khuê|sao khue,Minh Phát|minh phat,Đại Việt|dai viet,Tân Tiến|tan tien,Hưng Thịnh|hung thinh,Ánh Dương|anh duong,Bình Minh|binh minh,Kim Long|kim long,Thành Công|thanh cong,Hòa Bình|hoa binh,Quang Trung|quang trung,Lạc Hồng|lac hong,Nam Việt|nam viet,An Phú|an phu,Phú Thịnh|phu thinh,Trí Tuệ|tri tue,Sáng Tạo|sang tao,Tương Lai|tuong lai,Kết Nối|ket noi,Xanh|xanh,Số|so", wp, wf)
	nf = split2("Công nghệ|cong nghe,Giải pháp số|giai phap so,Sinh học|sinh hoc,Năng lượng sạch|nang luong sach,Tự động hóa|tu dong hoa,Dữ liệu|du lieu,Vật liệu mới|vat lieu moi,An ninh mạng|an ninh mang,Trí tuệ nhân tạo|tri tue nhan tao,Y sinh|y sinh,Phần mềm|phan mem,Điện tử|dien tu", fp, ff)
	split("ai,big_data,iot,blockchain,biotech,materials_energy,automation,cybersecurity", sectors, ",")
	stamp = "2026-01-01T00:00:00Z"

	print "id,kind,name,name_folded,sectors,created_at,updated_at" > (out "/organisations.csv")
	for (id = 1; id <= ORGS; id++) {
		k = pick(nk)
		if (id % 5000 == 1) { name = "Đại học Bách khoa Hà Nội"; folded = "dai hoc bach khoa ha noi"; k = 5 }
		else {
			a = pick(nw); b = pick(nw); f = pick(nf)
			name = kp[k] " " fp[f] " " wp[a] " " wp[b]
			folded = kf[k] " " ff[f] " " wf[a] " " wf[b]
		}
		print id, kinds[k], name, folded, sectors[pick(8)], stamp, stamp > (out "/organisations.csv")
	}

	print "id,code,name,name_folded,public,created_at,updated_at" > (out "/networks.csv")
	print "network_id,organisation_id,role,joined_on" > (out "/members.csv")
	print "id,organisation_id,network_id,kind,name,name_folded,booking,capacity,price_model,opens,closes,active,created_at,updated_at" > (out "/resources.csv")
	split("space,lab,equipment,lab,equipment", rkinds, ",")
	rid = 0
	for (net = 1; net <= NETWORKS; net++) {
		code = net == 1 ? "hihub" : "mang-luoi-" net
		print net, code, "Mạng lưới " code, "mang luoi " code, 1, stamp, stamp > (out "/networks.csv")
		for (m = 1; m <= 7; m++) {
			org = (net - 1) * 7 + m
			print net, org, (m == 1 ? "coordinator" : "member"), "2025-12-25" > (out "/members.csv")
		}
		for (r = 1; r <= 20; r++) {
			rid++
			org = (net - 1) * 7 + (r % 7) + 1
			print rid, org, net, rkinds[(r % 5) + 1], "Tài nguyên " rid, "tai nguyen " rid, "slot", 6, "subsidised", "08:00", "17:00", 1, stamp, stamp > (out "/resources.csv")
		}
	}

	print "id,resource_id,requester_name,requester_key,contact_name,sector,starts_at,ends_at,status,used_hours,requested_at" > (out "/bookings.csv")
	for (id = 1; id <= BOOKINGS; id++) {
		res = rand() < 0.5 ? pick(20) : pick(rid)
		month = pick(24); y = month <= 12 ? 2025 : 2026; mo = (month - 1) % 12 + 1
		day = pick(28); h = 7 + pick(6); len = pick(4)
		s = rand()
		status = s < 0.7 ? "used" : s < 0.85 ? "approved" : s < 0.95 ? "refused" : "cancelled"
		firm = pick(20000)
		sec = rand() < 0.1 ? "" : sectors[pick(8)]
		starts = sprintf("%04d-%02d-%02dT%02d:00", y, mo, day, h)
		ends = sprintf("%04d-%02d-%02dT%02d:00", y, mo, day, h + len)
		print id, res, "Doanh nghiệp " firm, "doanh nghiep " firm, "Người liên hệ", sec, starts, ends, status,
			(status == "used" ? len - (rand() < 0.2 ? 0.5 : 0) : ""), sprintf("%04d-%02d-01T00:00:00Z", y, mo) > (out "/bookings.csv")
	}
}
