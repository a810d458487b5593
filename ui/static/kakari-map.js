// 地図 tab (gr.HTML js_on_load, runs once per page): draws every new .kakari-map with Leaflet (served from the
// npm package by our own server). When the tiles cannot load (offline), the map stays without a background but
// keeps its numbered markers; when Leaflet itself is missing, the SVG view underneath stays visible.
const NOTE_OFFLINE = '地図の背景（タイル）を読み込めないため、背景なしで位置だけを表示しています。';
const waitForLeaflet = () => new Promise((resolve) => {
  let tries = 0;
  const poll = () => { if (window.L) resolve(window.L); else if (++tries > 50) resolve(null); else setTimeout(poll, 100); };
  poll();
});
// The label is the card's number (an integer we wrote) or ★: never text from the data.
const icon = (L, text, cls) => L.divIcon({className: cls, html: `<span>${text}</span>`, iconSize: [30, 30], iconAnchor: [15, 15]});
const draw = async (box) => {
  box.dataset.ready = '1';
  const figure = box.closest('.kakari-map-figure');
  const note = figure.querySelector('.kakari-map-note');
  const L = await waitForLeaflet();
  if (!L) { figure.classList.add('kakari-map-missing'); return; }
  const data = JSON.parse(box.dataset.map);
  figure.classList.add('kakari-map-live');
  const map = L.map(box, {scrollWheelZoom: false, attributionControl: true});
  map.attributionControl.setPrefix(false);
  const offline = () => {
    if (box.classList.contains('kakari-map-offline')) return;
    box.classList.add('kakari-map-offline');
    map.eachLayer((layer) => { if (layer instanceof L.TileLayer) map.removeLayer(layer); });
    note.textContent = NOTE_OFFLINE;
  };
  const tiles = L.tileLayer(box.dataset.tiles, {maxZoom: Number(box.dataset.maxZoom) || 18});
  tiles.getAttribution = () => '';
  tiles.on('tileerror', offline);
  const link = document.createElement('a');
  link.href = box.dataset.attributionUrl; link.target = '_blank'; link.rel = 'noopener noreferrer';
  link.textContent = box.dataset.attribution;
  map.attributionControl.addAttribution(link.outerHTML);
  if (navigator.onLine === false) offline(); else tiles.addTo(map);
  const bounds = [];
  for (const p of data.points) {
    const m = L.marker([p.lat, p.lng], {icon: icon(L, Number(p.rank), 'kakari-marker'), title: `${p.rank}. ${p.name}（${p.distance}）`,
                                        alt: `${p.rank}. ${p.name}`, keyboard: true});
    m.addTo(map);
    const tip = document.createElement('span');  // Leaflet would read a string as HTML: the name goes in as text
    tip.textContent = `${p.rank}. ${p.name}（${p.distance}）`;
    m.bindTooltip(tip);
    bounds.push([p.lat, p.lng]);
  }
  if (data.origin) {
    const o = data.origin;
    L.marker([o.lat, o.lng], {icon: icon(L, '★', 'kakari-marker-origin'), title: o.label, alt: o.label, keyboard: false}).addTo(map);
    bounds.push([o.lat, o.lng]);
    if (data.radius_km) {
      const circle = L.circle([o.lat, o.lng], {radius: data.radius_km * 1000, color: '#15525f', weight: 2, fillOpacity: 0.05});
      circle.addTo(map);
      bounds.push(...[circle.getBounds().getNorthWest(), circle.getBounds().getSouthEast()].map((c) => [c.lat, c.lng]));
    }
  }
  L.control.scale({imperial: false}).addTo(map);
  const fit = () => { map.invalidateSize(); map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15}); };
  fit();
  // The tab may be hidden when the map is drawn: refit once it gets a size.
  let width = box.clientWidth;
  new ResizeObserver(() => { if (box.clientWidth && !width) fit(); width = box.clientWidth; }).observe(box);
};
const scan = () => element.querySelectorAll('.kakari-map:not([data-ready])').forEach(draw);
new MutationObserver(scan).observe(element, {childList: true, subtree: true});
scan();
