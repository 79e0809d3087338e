"""Draw samples/images/qvevri.png (an original illustration; run once, output committed)."""
from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 800
img = Image.new("RGB", (W, H))
px = ImageDraw.Draw(img)
# dusk sky gradient
for y in range(H):
    t = y / H
    r = int(248 - 60 * t); g = int(196 - 110 * t); b = int(150 - 40 * t)
    px.line([(0, y), (W, y)], fill=(r, g, b))
px.ellipse([820, 120, 980, 280], fill=(255, 232, 190))
# hills with vine rows
hills = [((110, 90, 70), 430, 0.9), ((92, 70, 58), 500, 1.2), ((70, 52, 44), 580, 0.7)]
import math
for color, base, freq in hills:
    pts = [(x, base + 40 * math.sin(x / W * math.pi * 2 * freq + base)) for x in range(0, W + 10, 10)]
    px.polygon(pts + [(W, H), (0, H)], fill=color)
    for k in range(12):
        yy = base + 30 + k * 18
        px.line([(0, yy), (W, yy - 30)], fill=tuple(max(0, c - 18) for c in color), width=3)
# ground
px.rectangle([0, 640, W, H], fill=(84, 56, 40))
# qvevri jar, half buried
jar = Image.new("RGBA", (W, H), (0, 0, 0, 0))
jd = ImageDraw.Draw(jar)
jd.ellipse([420, 360, 780, 900], fill=(176, 98, 60, 255))
jd.ellipse([470, 400, 600, 760], fill=(190, 112, 70, 255))
jd.rectangle([540, 330, 660, 380], fill=(150, 80, 50, 255))
jd.ellipse([530, 318, 670, 346], fill=(60, 24, 30, 255))
img.paste(jar.filter(ImageFilter.GaussianBlur(1)), (0, 0), jar)
px.rectangle([0, 700, W, H], fill=(84, 56, 40))
px.polygon([(300, 700), (900, 700), (960, 740), (240, 740)], fill=(70, 46, 34))
# a glass of red wine
px.polygon([(930, 520), (1030, 520), (1010, 600), (950, 600)], fill=(255, 255, 255))
px.polygon([(936, 545), (1024, 545), (1010, 598), (950, 598)], fill=(120, 16, 40))
px.rectangle([976, 600, 984, 680], fill=(255, 255, 255))
px.ellipse([940, 672, 1020, 692], fill=(255, 255, 255))
img = img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB")
img.save("samples/images/qvevri.png", optimize=True)
