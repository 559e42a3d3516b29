/* Plotly's Spanish locale (plotly.js-locales 3.7.0, MIT, vendored: no CDN at run time),
   with '.' as thousands separator (1.234,5). Registered whether Plotly loads before or after. */
(function () {
  var locale = {
    moduleType: 'locale',
    name: 'es',
    dictionary: {
        'Autoscale': 'Autoescalar',
        'Box Select': 'Seleccionar Caja',
        'Click to enter Colorscale title': 'Introducir el título de la Escala de Color',
        'Click to enter Component A title': 'Introducir el título del Componente A',
        'Click to enter Component B title': 'Introducir el título del Componente B',
        'Click to enter Component C title': 'Introducir el título del Componente C',
        'Click to enter Plot title': 'Introducir el título de la Gráfica',
        'Click to enter Plot subtitle': 'Introducir el subtítulo de la Gráfica',
        'Click to enter X axis title': 'Introducir el título del eje X',
        'Click to enter Y axis title': 'Introducir el título del eje Y',
        'Click to enter radial axis title': 'Introducir el título del eje radial',
        'Compare data on hover': 'Comparar datos al pasar por encima',
        'Double-click on legend to isolate one trace': 'Haga doble-clic en la leyenda para aislar una traza',
        'Double-click to zoom back out': 'Haga doble-clic para restaurar la escala',
        'Download plot as a PNG': 'Descargar gráfica como PNG',
        'Download plot': 'Descargar gráfica',
        'Edit in Chart Studio': 'Editar en Chart Studio',
        'IE only supports svg.  Changing format to svg.': 'IE solo soporta svg. Cambiando formato a svg.',
        'Lasso Select': 'Seleccionar con lazo',
        'Orbital rotation': 'Rotación esférica',
        'Pan': 'Modo Panorámica',
        'Produced with Plotly.js': 'Hecho con Plotly.js',
        'Reset': 'Reiniciar',
        'Reset axes': 'Reiniciar ejes',
        'Reset camera to default': 'Restaurar cámara predeterminada',
        'Reset camera to last save': 'Restaurar anterior cámara',
        'Reset view': 'Restaurar vista',
        'Reset views': 'Restaurar vistas',
        'Show closest data on hover': 'Mostrar el dato más cercano al pasar por encima',
        'Snapshot succeeded': 'La captura de la instantánea finalizó correctamente',
        'Sorry, there was a problem downloading your snapshot!': '¡La descarga de la instantánea falló!',
        'Taking snapshot - this may take a few seconds': 'Capturando una instantánea - podría tardar unos segundos',
        'Toggle Spike Lines': 'Mostrar/Ocultar Guías',
        'Toggle show closest data on hover': 'Activar/Desactivar mostrar el dato más cercano al pasar por encima',
        'Turntable rotation': 'Rotación plana',
        'Zoom': 'Modo Ampliar/Reducir',
        'Zoom in': 'Ampliar',
        'Zoom out': 'Reducir',
        'close:': 'cierre:',
        'high:': 'alza:',
        'incoming flow count:': 'flujo de entrada:',
        'kde:': 'edp:',
        'lat:': 'lat:',
        'lon:': 'lon:',
        'low:': 'baja:',
        'lower fence:': 'límite inferior:',
        'max:': 'máx:',
        'mean ± σ:': 'media ± σ:',
        'mean:': 'media:',
        'median:': 'mediana:',
        'min:': 'mín:',
        'new text': 'nuevo texto',
        'open:': 'apertura:',
        'outgoing flow count:': 'flujo de salida:',
        'q1:': 'q1:',
        'q3:': 'q3:',
        'source:': 'fuente:',
        'target:': 'destino:',
        'trace': 'traza',
        'upper fence:': 'límite superior:'
    },
    format: {
        days: ['Domingo', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado'],
        shortDays: ['Dom', 'Lun', 'Mar', 'Mié', 'Jue', 'Vie', 'Sáb'],
        months: [
            'Enero', 'Febrero', 'Marzo', 'Abril', 'Mayo', 'Junio',
            'Julio', 'Agosto', 'Septiembre', 'Octubre', 'Noviembre', 'Diciembre'
        ],
        shortMonths: [
            'Ene', 'Feb', 'Mar', 'Abr', 'May', 'Jun',
            'Jul', 'Ago', 'Sep', 'Oct', 'Nov', 'Dic'
        ],
        date: '%d/%m/%Y',
        decimal: ',',
        thousands: '.'
    }
};
  if (window.Plotly && window.Plotly.register) {
    window.Plotly.register(locale);
  } else {
    window.PlotlyLocales = (window.PlotlyLocales || []).concat([locale]);
  }
})();
