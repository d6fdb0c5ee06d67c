// The map component (to be written): an SVG choropleth of units.
export {};
